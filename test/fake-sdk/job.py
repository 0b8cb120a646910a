"""The job a fake launch runs (the real backend's jobs are main.py files in a code artifact).

Writes $FAKE_WANDB_JOB_DIR/job-<WANDB_RUN_ID>.json (pid, process group, argv, WANDB_* env with
the key redacted, and its parent's command line), then behaves as its first argument says.
`metrics` is a W&B run (the fake wandb.init): the run config's metrics go linearly from 0 to
their values over `steps`, `seconds_per_step` apart, and it exits `exit_code`."""
import json
import os
import sys
import time

behaviour = sys.argv[1] if len(sys.argv) > 1 else "ok"
if behaviour == "stubborn":
    import signal

    # Before the dump: a test signals as soon as the dump appears.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
escaped_pid = None
if behaviour.startswith("escaping"):
    import subprocess

    # A grandchild in a session of its own: out of the job's process group, as setsid would do.
    escaped_pid = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"], start_new_session=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).pid
out_dir = os.environ.get("FAKE_WANDB_JOB_DIR")
if out_dir:
    env = {k: v for k, v in os.environ.items() if k.startswith("WANDB_")}
    if "WANDB_API_KEY" in env:
        env["WANDB_API_KEY"] = f"<redacted len={len(env['WANDB_API_KEY'])}>"
    try:
        with open(f"/proc/{os.getppid()}/cmdline", "rb") as f:
            parent_cmdline = f.read().replace(b"\0", b" ").decode()
    except OSError:
        parent_cmdline = None
    # Which of the runner's files and tokens, and the action's inputs, reached the job at all.
    runner_names = sorted(k for k in os.environ
                          if k.startswith(("GITHUB_ENV", "GITHUB_PATH", "GITHUB_OUTPUT", "GITHUB_STATE",
                                           "GITHUB_STEP_SUMMARY", "ACTIONS_", "INPUT_", "STATE_")))
    dump = {"pid": os.getpid(), "pgid": os.getpgid(0), "argv": sys.argv, "env": env,
            "parent_cmdline": parent_cmdline, "runner_names": runner_names, "escaped_pid": escaped_pid}
    with open(os.path.join(out_dir, f"job-{os.environ.get('WANDB_RUN_ID')}.json"), "w") as f:
        json.dump(dump, f)
if behaviour == "hostile":
    # What a job that wants to reach the runner would do: write the file commands it can find.
    for name, line in (("GITHUB_ENV", "LD_PRELOAD=/tmp/evil.so"), ("GITHUB_PATH", "/tmp/evil-bin"),
                       ("GITHUB_OUTPUT", "state=finished"), ("GITHUB_STATE", "x=1"),
                       ("GITHUB_STEP_SUMMARY", "forged summary")):
        if os.environ.get(name):
            with open(os.environ[name], "a") as f:
                f.write(line + "\n")
    print("::warning::forged by the job", flush=True)
print(f"[fake job {behaviour}] WANDB_RUN_ID={os.environ.get('WANDB_RUN_ID')}", flush=True)
if behaviour == "stubborn":
    while True:
        time.sleep(60)
if behaviour in ("forever", "escaping"):
    while True:
        time.sleep(60)
if behaviour == "chatty-forever":
    while True:
        print("still running", flush=True)
        time.sleep(0.2)
# evaluate: an evaluation job that needs no config (the README's gates example)
EVALUATION = {"eval/acc": 0.93, "val loss": 0.2}
if behaviour in ("metrics", "evaluate"):
    # a real training script's shape: wandb.init, a log and a printed line per step, finish
    import wandb
    from wandb._fake_server import metrics_line

    run = wandb.init()
    metrics = dict(run.config.get("metrics") or (EVALUATION if behaviour == "evaluate" else {}))
    steps = max(1, int(run.config.get("steps", 3)))
    code = int(run.config.get("exit_code", 0))
    for i in range(1, steps + 1):
        values = {k: float(v) * i / steps for k, v in metrics.items()}
        run.log(values)
        print(metrics_line(i, steps, values), flush=True)
        time.sleep(float(run.config.get("seconds_per_step", 0)))
    # models: artifacts the run logs, a name each (type model), or {name, type}
    for spec in run.config.get("models") or []:
        spec = spec if isinstance(spec, dict) else {"name": spec}
        run.log_artifact(wandb.Artifact(spec["name"], type=spec.get("type", "model")))
    run.finish(exit_code=code)
    sys.exit(code)
if behaviour == "train-model":
    # a training run (the README's promotion example): eval/acc rises to 0.93, train/loss falls
    # to 0.2 over 10 steps (or to the run config's metrics), then the model is logged as an
    # artifact resnet of type model
    import wandb

    run = wandb.init()
    final = {"eval/acc": 0.93, "train/loss": 0.2, **dict(run.config.get("metrics") or {})}
    for i in range(1, 11):
        run.log({"eval/acc": final["eval/acc"] * (1 - 0.8 ** i) / (1 - 0.8 ** 10),
                 "train/loss": final["train/loss"] + 2 * (0.7 ** i - 0.7 ** 10)})
    run.log_artifact(wandb.Artifact("resnet", type="model"))
    run.finish()
    sys.exit(0)
sys.exit(1 if behaviour == "fail" else 0)
