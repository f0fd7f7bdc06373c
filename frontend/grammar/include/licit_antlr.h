// The ANTLR runtime headers Licit uses. Include this instead of <antlr4-runtime.h>: the Debian
// umbrella header pulls in misc/InterpreterDataReader.h, which clang rejects, so clang builds
// (sanitizers, libFuzzer) could not compile the syntax phase.
#pragma once

#include "ANTLRErrorListener.h"
#include "ANTLRInputStream.h"
#include "BailErrorStrategy.h"
#include "BaseErrorListener.h"
#include "CommonToken.h"
#include "CommonTokenFactory.h"
#include "CommonTokenStream.h"
#include "DefaultErrorStrategy.h"
#include "Exceptions.h"
#include "InputMismatchException.h"
#include "Lexer.h"
#include "NoViableAltException.h"
#include "Parser.h"
#include "ParserRuleContext.h"
#include "RecognitionException.h"
#include "Token.h"
#include "TokenSource.h"
#include "Vocabulary.h"
#include "atn/ParserATNSimulator.h"
#include "atn/PredictionMode.h"
#include "misc/Interval.h"
#include "tree/ErrorNode.h"
#include "tree/ParseTreeListener.h"
#include "tree/TerminalNode.h"
