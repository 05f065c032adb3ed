"""Lint rules and the machinery that runs them (`kubelint lint`).

- `engine`: what a rule is and the decorators that register one; `context`: what set rules see;
- `builtin`: the built-in rules (imported on demand: `catalogue.load_rules()`);
- `config`: `.kubelint.yaml` / `[tool.kubelint]`; `suppress`: annotations and `# kubelint:`
  comments; `baseline`: known findings to hide; `runner`: the run itself; `docs`: rule docs.

Kept import-free so that rule modules importing `kubelint.rules.engine` load nothing else.
"""
