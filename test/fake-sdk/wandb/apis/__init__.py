# Mirrors wandb/apis/__init__.py (package marker).
