"""Benchmarks for terraform-provider-flywheel: start-up time, memory, binary size and AWS
API calls per refresh, written to bench/REPORT.md.

Run with `make bench` (it installs the tools, builds, and starts the emulator). Figures are
measured on this machine at run time; nothing here asserts a threshold, because speed
belongs in a report, not in a test.

    python bench/run.py --binary PATH --terraform PATH --endpoint URL [--example DIR]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter, defaultdict

# The go-plugin handshake Terraform performs, without TLS (no PLUGIN_CLIENT_CERT).
HANDSHAKE_ENV = {
    "TF_PLUGIN_MAGIC_COOKIE": "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
    "PLUGIN_PROTOCOL_VERSIONS": "6",
    "PLUGIN_MIN_PORT": "20000",
    "PLUGIN_MAX_PORT": "29999",
}

# terraform-provider-aws's published costs, from the project's design notes, for contrast.
AWS_PROVIDER = {
    "calls_glue_job": 2,
    "calls_s3_bucket": 15,
    "rss_mb": "200-400",
    "binary_mb": 800,
}


def startup_times(binary, runs):
    """Seconds from exec to the handshake line on stdout, `runs` times."""
    out = []
    env = dict(os.environ, **HANDSHAKE_ENV)
    env.pop("PLUGIN_CLIENT_CERT", None)
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.Popen([binary], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        line = p.stdout.readline()
        out.append(time.perf_counter() - t0)
        p.kill()
        p.wait()
        if not line.startswith(b"1|6|"):
            sys.exit(f"unexpected handshake line: {line!r}")
    return out


class PeakRss:
    """Samples the peak RSS (VmHWM) of every provider process while a command runs."""

    def __init__(self, name):
        self.name = name
        self.peak_kb = 0
        self.processes = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _run(self):
        while not self._stop.is_set():
            for pid in os.listdir("/proc"):
                if not pid.isdigit():
                    continue
                try:
                    with open(f"/proc/{pid}/comm") as f:
                        if not self.name.startswith(f.read().strip()):
                            continue
                    with open(f"/proc/{pid}/status") as f:
                        for line in f:
                            if line.startswith("VmHWM:"):
                                self.processes.add(pid)
                                self.peak_kb = max(self.peak_kb, int(line.split()[1]))
                except OSError:
                    continue
            time.sleep(0.01)


def requests(endpoint, method="GET"):
    req = urllib.request.Request(f"{endpoint}/_flywheel/requests", method=method)
    with urllib.request.urlopen(req) as r:
        body = r.read()
    return json.loads(body)["requests"] if body and method == "GET" else None


def tf(terraform, args, cwd, env):
    t0 = time.perf_counter()
    p = subprocess.run([terraform, *args], cwd=cwd, env=env, capture_output=True, text=True)
    if p.returncode not in (0, 2):
        sys.exit(f"terraform {' '.join(args)} failed:\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}")
    return time.perf_counter() - t0, p


def workload(args, env):
    """Applies the example, then measures one refresh: calls per resource type and RSS."""
    # Copy the example's parent too: examples refer to sibling modules by relative path.
    scratch = tempfile.mkdtemp(prefix="flywheel-bench-")
    parent = os.path.dirname(args.example)
    shutil.copytree(parent, scratch, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(".terraform", "*.tfstate*"))
    work = os.path.join(scratch, os.path.basename(args.example))
    tf_args = [f"-var-file={f}" for f in args.var_file] + [f"-var={v}" for v in args.var]
    try:
        tf(args.terraform, ["get"], work, env)
        apply_s, _ = tf(args.terraform, ["apply", "-auto-approve", "-input=false", *tf_args], work, env)
        requests(args.endpoint, "DELETE")
        with PeakRss("terraform-provider-flywheel") as rss:
            refresh_s, plan = tf(args.terraform, ["plan", "-input=false", "-detailed-exitcode", *tf_args], work, env)
        calls = requests(args.endpoint)
        _, show = tf(args.terraform, ["show", "-json"], work, env)
        state = json.loads(show.stdout)
        kinds = Counter()
        objects = Counter()
        for module in walk_modules(state.get("values", {}).get("root_module", {})):
            for r in module.get("resources", []):
                if r.get("mode") == "managed":
                    kinds[r["type"]] += 1
                    objects[r["type"]] += len(r.get("values", {}).get("managed_objects") or [])
        tf(args.terraform, ["destroy", "-auto-approve", "-input=false", *tf_args], work, env)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    by_op = Counter(f"{c['service']}:{c['operation']}" for c in calls)
    by_service = defaultdict(int)
    for c in calls:
        by_service[c["service"]] += 1
    return {
        "apply_s": apply_s,
        "refresh_plan_s": refresh_s,
        "plan_empty": plan.returncode == 0,
        "calls_total": len(calls),
        "calls_by_operation": dict(sorted(by_op.items())),
        "calls_by_service": dict(sorted(by_service.items())),
        "resources": dict(kinds),
        "aws_objects": dict(objects),
        "peak_rss_kb": rss.peak_kb,
        "provider_processes": len(rss.processes),
    }


def scale_setup(endpoint, prefix):
    """The role and buckets the scale workload's jobs and crawlers name, made directly."""
    import boto3

    kw = dict(endpoint_url=endpoint, region_name="us-east-1")
    iam = boto3.client("iam", **kw)
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                     "Principal": {"Service": "glue.amazonaws.com"}}]}
    try:
        iam.create_role(RoleName="bench-glue", AssumeRolePolicyDocument=json.dumps(trust))
    except iam.exceptions.EntityAlreadyExistsException:
        pass
    s3 = boto3.client("s3", **kw)
    for bucket in (f"{prefix}-assets", f"{prefix}-data"):
        s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=f"{prefix}-assets", Key="scripts/job.py", Body=b"print('bench')\n")


def spread(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def scale(args, env):
    """N jobs and N crawlers: calls per resource and plan wall time at two parallelisms,
    with and without refresh, beside Terraform's own floor (2N terraform_data)."""
    prefix = f"bench{int(time.time()) % 100000}"
    scale_setup(args.endpoint, prefix)
    here = os.path.dirname(os.path.abspath(__file__))
    scratch = tempfile.mkdtemp(prefix="flywheel-bench-scale-")
    work = os.path.join(scratch, "scale")
    floor = os.path.join(scratch, "floor")
    shutil.copytree(os.path.join(here, "scale"), work)
    shutil.copytree(os.path.join(here, "floor"), floor)
    tf_vars = [f"-var=count_each={args.scale}", f"-var=prefix={prefix}"]
    out = {"resources": 2 * args.scale, "runs": args.scale_runs, "by_parallelism": {}}
    try:
        tf(args.terraform, ["apply", "-auto-approve", "-input=false", "-parallelism=20", *tf_vars], work, env)
        for par in (10, 50):
            calls, refresh_s, no_refresh_s, by_op = [], [], [], Counter()
            for _ in range(args.scale_runs):
                requests(args.endpoint, "DELETE")
                t, plan = tf(args.terraform, ["plan", "-input=false", "-detailed-exitcode",
                                              f"-parallelism={par}", *tf_vars], work, env)
                if plan.returncode != 0:
                    sys.exit(f"scale plan not empty:\n{plan.stdout[-3000:]}")
                log = requests(args.endpoint)
                calls.append(len(log))
                by_op = Counter(f"{c['service']}:{c['operation']}" for c in log)
                refresh_s.append(t)
                t, _ = tf(args.terraform, ["plan", "-input=false", "-refresh=false",
                                           f"-parallelism={par}", *tf_vars], work, env)
                no_refresh_s.append(t)
            out["by_parallelism"][par] = {
                "calls": spread(calls),
                "calls_per_resource": statistics.median(calls) / (2 * args.scale),
                "calls_by_operation": dict(sorted(by_op.items())),
                "plan_s": spread(refresh_s),
                "plan_no_refresh_s": spread(no_refresh_s),
            }
        tf(args.terraform, ["destroy", "-auto-approve", "-input=false", "-parallelism=20", *tf_vars], work, env)
        floor_vars = [f"-var=count_all={2 * args.scale}"]
        tf(args.terraform, ["init", "-input=false"], floor, env)
        tf(args.terraform, ["apply", "-auto-approve", "-input=false", *floor_vars], floor, env)
        floor_s = [tf(args.terraform, ["plan", "-input=false", *floor_vars], floor, env)[0]
                   for _ in range(args.scale_runs)]
        out["floor_plan_s"] = spread(floor_s)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return out


def scale_report(s):
    fmt = lambda d: f"{d['median']:.2f} s (min {d['min']:.2f}, max {d['max']:.2f})"
    n = s["resources"]
    lines = [
        "",
        f"## Scale: {n // 2} jobs and {n // 2} crawlers, {n} resources",
        "",
        f"Every other job has a schedule (a Glue trigger). Median of {s['runs']} runs, with min and max.",
        "",
        "| -parallelism | AWS calls per refresh | calls per resource | plan with refresh | plan -refresh=false |",
        "| --- | --- | --- | --- | --- |",
    ]
    for par, r in s["by_parallelism"].items():
        c = r["calls"]
        lines.append(
            f"| {par} | {c['median']:.0f} (min {c['min']}, max {c['max']}) | {r['calls_per_resource']:.2f}"
            f" | {fmt(r['plan_s'])} | {fmt(r['plan_no_refresh_s'])} |"
        )
    lines += [
        "",
        f"Terraform's own floor, {n} `terraform_data` planned the same way: {fmt(s['floor_plan_s'])}.",
        f"terraform-provider-aws reads a Glue job or crawler with {AWS_PROVIDER['calls_glue_job']} calls"
        " (Get and GetTags, internal/service/glue/job.go and crawler.go), plus 2 per trigger.",
        "",
        "Calls of the last refresh at -parallelism 10, by operation:",
        "",
        "| operation | calls |",
        "| --- | --- |",
    ]
    lines += [f"| {op} | {k} |" for op, k in s["by_parallelism"][10]["calls_by_operation"].items()]
    return lines


def walk_modules(module):
    yield module
    for child in module.get("child_modules", []):
        yield from walk_modules(child)


def report(args, startup, load, size, scaled=None):
    med = statistics.median(startup) * 1000
    lines = [
        "# Benchmark report",
        "",
        f"Measured by `make bench` on {os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d')}, against the"
        f" local emulator; workload: `{os.path.relpath(args.example) if args.example else 'none'}`"
        f" {' '.join('-var-file=' + f for f in args.var_file)}. Regenerate with `make bench`.",
        "",
        "| measure | terraform-provider-flywheel | terraform-provider-aws |",
        "| --- | --- | --- |",
        f"| binary size | {size / 1e6:.1f} MB ({args.binary_kind}) | about {AWS_PROVIDER['binary_mb']} MB |",
        f"| start-up to handshake (median of {len(startup)}) | {med:.1f} ms (min {min(startup)*1000:.1f}, max {max(startup)*1000:.1f}) | |",
    ]
    if load:
        objects = sum(load["aws_objects"].values())
        resources = sum(load["resources"].values())
        lines += [
            f"| peak RSS of the provider during a refresh plan | {load['peak_rss_kb'] / 1024:.1f} MB | {AWS_PROVIDER['rss_mb']} MB |",
            f"| AWS calls for one refresh of the example | {load['calls_total']} for {resources} resources expanding into {objects} AWS objects | about {AWS_PROVIDER['calls_glue_job']} per Glue job, about {AWS_PROVIDER['calls_s3_bucket']} per S3 bucket |",
            f"| refresh plan wall time (emulator) | {load['refresh_plan_s']:.2f} s, plan empty: {load['plan_empty']} | |",
            "",
            "## Calls per refresh, by operation",
            "",
            "| operation | calls |",
            "| --- | --- |",
        ]
        lines += [f"| {op} | {n} |" for op, n in load["calls_by_operation"].items()]
        lines += ["", "## Resources in the example", "", "| type | count | AWS objects |", "| --- | --- | --- |"]
        lines += [f"| {t} | {n} | {load['aws_objects'].get(t, 0)} |" for t, n in sorted(load["resources"].items())]
    if scaled:
        lines += scale_report(scaled)
    lines += [
        "",
        "How: start-up is the time from exec to the go-plugin handshake line, without TLS.",
        "Peak RSS is VmHWM of every provider process sampled every 10 ms during `terraform plan`.",
        "Calls are counted by the emulator's request log over one `terraform plan` (which refreshes",
        "every resource). terraform-provider-aws figures are its published costs, not measured here.",
        "",
    ]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--binary-kind", default="debug build")
    ap.add_argument("--terraform", required=True)
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--example", default=None)
    ap.add_argument("--var-file", action="append", default=[])
    ap.add_argument("--var", action="append", default=[])
    ap.add_argument("--cli-config", required=True)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--out", default="bench/REPORT.md")
    ap.add_argument("--scale", type=int, default=0, help="jobs (and crawlers) in the scale workload; 0: skip it")
    ap.add_argument("--scale-runs", type=int, default=3)
    args = ap.parse_args()
    args.terraform = os.path.abspath(args.terraform)
    args.example = args.example and os.path.abspath(args.example)

    startup = startup_times(args.binary, args.runs)
    env = dict(os.environ, TF_CLI_CONFIG_FILE=args.cli_config, TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1")
    # The emulator takes any credentials; real ones from the environment win.
    env.setdefault("AWS_ACCESS_KEY_ID", "test")
    env.setdefault("AWS_SECRET_ACCESS_KEY", "test")
    env.setdefault("AWS_REGION", "us-east-1")
    env["AWS_ENDPOINT_URL"] = args.endpoint
    load = workload(args, env) if args.example else None
    scaled = scale(args, env) if args.scale else None
    text = report(args, startup, load, os.path.getsize(args.binary), scaled)
    with open(args.out, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
