#!/usr/bin/env python3
"""A minimal HTTPS Terraform provider registry serving a dist/ folder, for install tests.

It implements the provider registry protocol as Terraform and OpenTofu use it:

  GET /.well-known/terraform.json                            service discovery: providers.v1
  GET /v1/providers/<ns>/<type>/versions                     versions, protocols, platforms
  GET /v1/providers/<ns>/<type>/<version>/download/<os>/<arch>
                                                             download_url, shasums_url,
                                                             shasums_signature_url, shasum,
                                                             signing_keys.gpg_public_keys
  GET /files/<name>                                          the artifacts themselves

Versions and platforms are read from the artifacts in the dist folder
(terraform-provider-<type>_<version>_<os>_<arch>.zip, _SHA256SUMS, _SHA256SUMS.sig,
_manifest.json). Standard library only.

Usage:
  registry_server.py --dist DIR --cert server.pem --key server.key --public-key key.asc \
      [--namespace omc] [--type flywheel] [--host 127.0.0.1] [--port 0] [--port-file FILE]

With --port 0 the system picks a free port; it is written to --port-file once the server
listens, so a test can wait for that file instead of polling a guessed port.
"""

import argparse
import json
import os
import re
import ssl
import subprocess
import sys
import tempfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote


def gpg_key_id(armor: str) -> str:
    """The long (16 hex digit) key id of the primary key in an ASCII-armored public key."""
    with tempfile.TemporaryDirectory() as home:
        out = subprocess.run(
            ["gpg", "--batch", "--homedir", home, "--with-colons", "--show-keys"],
            input=armor.encode(),
            capture_output=True,
            check=True,
        ).stdout.decode()
    for line in out.splitlines():
        fields = line.split(":")
        if fields[0] == "pub":
            return fields[4].upper()
    raise SystemExit("registry: no public key found in the --public-key file")


class Registry:
    def __init__(self, dist: str, namespace: str, ptype: str, armor: str):
        self.dist = os.path.abspath(dist)
        self.namespace = namespace
        self.ptype = ptype
        self.armor = armor
        self.key_id = gpg_key_id(armor)
        self.prefix = f"terraform-provider-{ptype}_"

    def releases(self):
        """{version: {"platforms": [(os, arch, filename)], "protocols": [...]}} from dist."""
        pattern = re.compile(
            re.escape(self.prefix) + r"(?P<v>[^_]+)_(?P<os>[a-z0-9]+)_(?P<arch>[a-z0-9]+)\.zip$"
        )
        out = {}
        for name in sorted(os.listdir(self.dist)):
            m = pattern.match(name)
            if not m:
                continue
            rel = out.setdefault(m["v"], {"platforms": [], "protocols": ["6.0"]})
            rel["platforms"].append((m["os"], m["arch"], name))
        for version, rel in out.items():
            manifest = os.path.join(self.dist, f"{self.prefix}{version}_manifest.json")
            if os.path.exists(manifest):
                with open(manifest) as f:
                    rel["protocols"] = json.load(f)["metadata"]["protocol_versions"]
        return out

    def shasum(self, version: str, filename: str):
        sums = os.path.join(self.dist, f"{self.prefix}{version}_SHA256SUMS")
        with open(sums) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 2 and parts[1].lstrip("*") == filename:
                    return parts[0]
        return None


class Handler(BaseHTTPRequestHandler):
    registry: Registry = None  # set by main
    server_version = "flywheel-test-registry/1"

    def log_message(self, fmt, *args):  # one line per request on stderr
        sys.stderr.write("registry: %s\n" % (fmt % args))

    def send_json(self, status, body):
        data = json.dumps(body, indent=2).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def not_found(self, what="not found"):
        self.send_json(404, {"errors": [what]})

    def base_url(self):
        return f"https://{self.headers.get('Host')}"

    def do_GET(self):
        reg = self.registry
        path = self.path.split("?", 1)[0]
        if path == "/.well-known/terraform.json":
            return self.send_json(200, {"providers.v1": "/v1/providers/"})

        root = f"/v1/providers/{reg.namespace}/{reg.ptype}/"
        if path.startswith("/files/"):
            return self.send_file(path[len("/files/"):])
        if not path.startswith(root):
            return self.not_found()
        rest = path[len(root):].strip("/").split("/")
        releases = reg.releases()

        if rest == ["versions"]:
            versions = [
                {
                    "version": v,
                    "protocols": rel["protocols"],
                    "platforms": [{"os": o, "arch": a} for o, a, _ in rel["platforms"]],
                }
                for v, rel in releases.items()
            ]
            return self.send_json(200, {"versions": versions})

        if len(rest) == 4 and rest[1] == "download":
            version, _, want_os, want_arch = rest
            rel = releases.get(version)
            match = [p for p in (rel or {}).get("platforms", []) if p[:2] == (want_os, want_arch)]
            if not match:
                return self.not_found(f"no {version} build for {want_os}_{want_arch}")
            filename = match[0][2]
            sums = f"{reg.prefix}{version}_SHA256SUMS"
            base = self.base_url() + "/files/"
            return self.send_json(
                200,
                {
                    "protocols": rel["protocols"],
                    "os": want_os,
                    "arch": want_arch,
                    "filename": filename,
                    "download_url": base + quote(filename),
                    "shasums_url": base + quote(sums),
                    "shasums_signature_url": base + quote(sums + ".sig"),
                    "shasum": reg.shasum(version, filename),
                    "signing_keys": {
                        "gpg_public_keys": [
                            {
                                "key_id": reg.key_id,
                                "ascii_armor": reg.armor,
                                "trust_signature": "",
                                "source": "",
                                "source_url": None,
                            }
                        ]
                    },
                },
            )
        return self.not_found()

    def send_file(self, name):
        if "/" in name or name.startswith("."):
            return self.not_found()
        full = os.path.join(self.registry.dist, name)
        if not os.path.isfile(full):
            return self.not_found()
        with open(full, "rb") as f:
            data = f.read()
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--dist", required=True)
    ap.add_argument("--cert", required=True, help="server certificate chain (PEM)")
    ap.add_argument("--key", required=True, help="server private key (PEM)")
    ap.add_argument("--public-key", required=True, help="ASCII-armored GPG public key")
    ap.add_argument("--namespace", default="omc")
    ap.add_argument("--type", default="flywheel")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    args = ap.parse_args()

    with open(args.public_key) as f:
        armor = f.read()
    Handler.registry = Registry(args.dist, args.namespace, args.type, armor)

    httpd = ThreadingHTTPServer((args.host, args.port), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    port = httpd.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{port}\n")
        os.replace(tmp, args.port_file)
    sys.stderr.write(f"registry: serving {args.dist} on https://{args.host}:{port}\n")
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
