"""Bearer-token authentication and TLS."""

import json
import subprocess

from conftest import SOURCE_DIR, example_records

POLICY = "examples/cn-japan-2026.licit"


def test_token_auth(serve, tmp_path):
    token = tmp_path / "token"
    token.write_text("s3cret-token\n")
    s = serve(POLICY, "--token-file", str(token), cwd=SOURCE_DIR)
    record = example_records()[0]
    for headers in [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Bearer s3cret-tok"},
                    {"Authorization": "Bearer s3cret-token-and-more"},
                    {"Authorization": "Basic czNjcmV0LXRva2Vu"}, {"Authorization": "s3cret-token"}]:
        r = s.post("/v1/decide", record, headers=headers)
        assert r.status == 401, headers
        assert r.json()["error"]["code"] == "unauthorized"
        assert r.headers["www-authenticate"].startswith("Bearer")
    ok = {"Authorization": "Bearer s3cret-token"}
    assert s.post("/v1/decide", record, headers=ok).status == 200
    assert s.get("/v1/policy", headers=ok).status == 200
    assert s.get("/metrics").status == 401
    assert s.get("/metrics", headers=ok).status == 200
    # Health checks never need the token.
    assert s.get("/health").status == 200
    assert s.get("/health/ready").status == 200


def test_token_file_must_hold_a_token(tmp_path):
    empty = tmp_path / "empty"
    empty.write_text("\n")
    for path in [str(empty), str(tmp_path / "missing")]:
        out = subprocess.run(["build/dev/licit" if False else __import__("conftest").LICIT, "serve",
                              POLICY, "--addr", "127.0.0.1:0", "--token-file", path],
                             cwd=SOURCE_DIR, stderr=subprocess.PIPE, timeout=60)
        assert out.returncode == 1
        assert b"cannot read a token" in out.stderr


def test_tls(serve, tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                    "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    s = serve(POLICY, "--tls-cert", str(cert), "--tls-key", str(key), cwd=SOURCE_DIR)
    assert s.scheme == "https"
    r = s.post("/v1/decide", example_records()[0])
    assert r.status == 200 and json.loads(r.body)["id"] == "S-0001"
    # Plain HTTP to the TLS port is refused without stopping the server.
    import http.client
    plain = http.client.HTTPConnection("127.0.0.1", s.port, timeout=10)
    try:
        plain.request("GET", "/health")
        plain.getresponse().read()
    except (http.client.HTTPException, ConnectionError, OSError):
        pass
    assert s.get("/health", conn=s.connection()).status == 200
    bad = subprocess.run([__import__("conftest").LICIT, "serve", POLICY, "--addr", "127.0.0.1:0",
                          "--tls-cert", str(tmp_path / "nope.pem"), "--tls-key", str(key)],
                         cwd=SOURCE_DIR, stderr=subprocess.PIPE, timeout=60)
    assert bad.returncode == 1 and b"TLS" in bad.stderr
