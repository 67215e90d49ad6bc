# English messages of ogp-publish. Every message here exists in fr.ftl with the same
# arguments (tests/i18n.rs checks it). Ids are stable; diagnostic codes and JSON keys are
# never translated.

## General

# Text not yet given a message of its own.
raw = { $text }
# A value of the catalogue cut in a message.
quote-cut = { $value }… ({ $length } characters)

## Diagnostics: how they are printed

level-error = error
level-warning = warning
diagnostic-line = { $file }:{ $line }:{ $col }: { $level }[{ $code }]: { $message }
diagnostic-field = field: { $field }
diagnostic-hint = help: { $hint }
more-diagnostics = … and { $count } more { $code } in { $files ->
    [one] one file
   *[other] { $files } files
}

## Diagnostics: loading files (src/load)


## Diagnostics: rules of the catalogue (src/check, src/profile, src/model)


# Lint hints: what to write in a [lints] table. Never what the file already says.
hint-and = { $first }; { $then }
lint-allow-here = to accept this gap and quiet the run, set `{ $code } = "allow"` under `[lints]` in { $file }
lint-allow-all = to accept it for every plan, set `{ $code } = "allow"` under `[lints]` in publisher.toml
lint-warn = if the sources leave this gap, set `{ $code } = "warn"` under `[lints]` in plan.toml

## Command line: help (src/cli.rs)


## Command line: output and errors (src/cli.rs, src/error.rs)

