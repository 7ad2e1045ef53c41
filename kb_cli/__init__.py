"""The `kb` command line: the one shell on top of kb/, indexer/ and webui/.

It lives in its own package so that "kb imports nothing above it" is a rule import-linter checks
(see [tool.importlinter] in pyproject.toml). Commands import what they need inside their own
function: `kb check` should not pay for Whoosh, Sudachi or Flask, so start-up stays short. This
package is the only place where function-local imports are the rule rather than a defect.
"""
