// The Licit extension: starts `licit lsp` (the language server) for .licit files. Everything
// else (diagnostics, hover, completion, definition, references, outline, formatting, rename,
// the "run test" code lenses) comes from the server; highlighting from the TextMate grammar.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("licit").get("path") || "licit";
  const serverOptions = {
    run: { command, args: ["lsp"], transport: TransportKind.stdio },
    debug: { command, args: ["lsp"], transport: TransportKind.stdio },
  };
  const clientOptions = {
    documentSelector: [{ scheme: "file", language: "licit" }],
  };
  client = new LanguageClient("licit", "Licit", serverOptions, clientOptions);
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
