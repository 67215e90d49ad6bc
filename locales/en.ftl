# English messages of ogp-publish. Every message here exists in fr.ftl with the same
# arguments (tests/i18n.rs checks it). Ids are stable; diagnostic codes and JSON keys are
# never translated.

## General

# Text shown as it is (already in the reader's language, or a library's own words).
plain = { $text }
# A value of the catalogue cut in a message.
quote-cut = { $value }… ({ $length } characters)

## Diagnostics: how they are printed

level-error = error
level-warning = warning
diagnostic-line = { $file }:{ $line }:{ $col }: { $level }[{ $code }]: { $message }
diagnostic-line-cell = { $file }, sheet { $sheet }, cell { $cell }: { $level }[{ $code }]: { $message }
diagnostic-field = field: { $field }
diagnostic-hint = help: { $hint }
more-diagnostics = … and { $count } more { $code } in { $files ->
    [one] { $files } file
   *[other] { $files } files
}

## Diagnostics: loading files (src/load)

load-bad-date = `{ $field }` { $value } is not a date
load-bad-date-hint = use YYYY-MM-DD, or YYYY-MM when only the month is known; leave empty when unknown
load-ambiguous-source = both `{ $stem }.csv` and `{ $stem }.json` exist; only one can be the source
load-ambiguous-source-hint = delete or rename the one that is not maintained
load-ambiguous-sources = { $files } all exist; only one can be the source
load-workbook-unreadable = cannot read this workbook: { $cause }
load-workbook-password = it is protected by a password
load-workbook-password-hint = remove the password in the spreadsheet (File › Info › Protect Workbook), or save a copy without one
load-workbook-unreadable-hint = open it in the spreadsheet and save it again as « Excel Workbook (.xlsx) » or « OpenDocument Spreadsheet (.ods) »
load-workbook-no-sheet = it has no sheet
load-workbook-empty = the sheet { $sheet } is empty
load-workbook-no-header = row 1 of the sheet { $sheet } is empty: the header must be there
load-workbook-header-hint = put the column names in row 1 of the first sheet (`id`, `title`, …), one per column, and the records below
load-cell-error = the cell holds the error { $error }
load-cell-error-hint = correct the formula, or type the value
load-formula-cell = the cell holds the formula `{ $formula }`; its last computed value, { $value }, is read
load-formula-cell-hint = type the value instead, so that the published value cannot change unseen
load-missing-column = required column `{ $key }` is missing
load-missing-column-hint = add a `{ $key }` column to the header
load-unnamed-column = a column has no name: its values would be lost
load-unnamed-column-hint = name the column, or delete it (a comma at the end of the header row makes an empty column)
load-unknown-column = unknown column `{ $name }`: its values would be lost
load-unknown-column-near = did you mean `{ $name }`? Otherwise declare it under `[columns]` in plan.toml so it is published
load-unknown-column-semicolon = the values are separated by `;`: save the file again as « CSV UTF-8 (comma delimited) »
load-unknown-column-hint = declare it under `[columns]` in plan.toml so it is published, or remove it
load-semicolon-separator = the values of this file are separated by `;`, as a spreadsheet set to French saves « CSV »: the file was read that way
load-semicolon-separator-hint = to keep the catalogue's usual format, save it again as « CSV UTF-8 (comma delimited) »
load-csv-separator = the header has both `,` ({ $commas }) and `;` ({ $semicolons }) between its names: which one separates the values cannot be told
load-csv-separator-hint = save the file again as « CSV UTF-8 (comma delimited) » (« Save As »), so that only `,` separates the values
load-empty-file = the file is empty
load-empty-csv-hint = the first row must name the columns, e.g. `id,title,...`
load-empty-json-hint = write an array of records: `[ {"{"}"id": "…", …{"}"} ]`
load-duplicate-column = column `{ $name }` appears twice in the header
load-duplicate-column-hint = keep one column of each name
load-field-count = this row has { $fields } fields but the header has { $width }
load-field-count-hint = a comma inside a value needs the value in double quotes: "a, b"
load-unclosed-quote = this quoted value is never closed
load-unclosed-quote-hint = close the value with a double quote; a quote inside a value is written twice: ""
load-text-after-quote = text after the closing quote of a value
load-text-after-quote-hint = put the whole value in quotes and double the inner quotes: "a ""b"" c"
load-json-not-array = expected an array of objects
load-json-not-array-hint = write `[ {"{"}"id": "…", …{"}"}, … ]`
load-json-invalid = invalid JSON: { $cause }
load-json-invalid-hint = check commas, quotes and brackets near this place
load-json-not-object = expected an object
load-json-not-object-hint = each element is one record: {"{"}"id": "…", …{"}"}
load-json-duplicate-key = key `{ $name }` appears twice in this record
load-json-duplicate-key-hint = keep one key of each name: JSON keeps only the last one
load-json-bad-value = `{ $key }` must be a string, a number, null or a list of strings
load-json-bad-value-hint = write `"{ $key }": "…"`, or `null` when unknown
load-missing-field = `{ $key }` is required
load-missing-field-hint = fill in `{ $key }` for this row
load-unknown-value = `{ $key }` { $value } is not a known value
load-formula-like = `{ $column }` starts with `{ $first }`: spreadsheet programs may run it as a formula when reusers open the CSV
load-formula-like-hint = if a formula is not meant, reword the start (e.g. « Moins de … » instead of « - … »); the text is published as written
load-bad-url = `{ $field }` { $value } is not an http(s) address
load-bad-url-hint = write the full address, starting with https://
load-bad-number = `number` { $value } is not a whole number
load-bad-number-hint = write the commitment's number in the plan, e.g. 3
load-bad-ogp-value = { $value } is not an OGP value
load-bad-ogp-value-hint = use one or more of, separated by `;`: { $codes }

load-no-plans-folder = the catalogue has no `plans` folder
load-no-plans-folder-hint = create `plans/<plan-id>/` holding plan.toml, commitments.csv and milestones.csv
load-no-plans = no plan to publish
load-no-plans-hint = add a folder `plans/<plan-id>/` with plan.toml, commitments.csv and milestones.csv
load-outside = this path leads outside the catalogue, to `{ $target }`
load-outside-hint = keep every catalogue file inside the catalogue folder; replace the link by the file itself
load-utf16 = the file is UTF-16, not UTF-8
load-utf16-hint = save it again as « CSV UTF-8 » (or UTF-8 text)
load-not-utf8 = bytes that are not UTF-8
load-not-utf8-hint = save the file as { $kind ->
    [csv] « CSV UTF-8 »
   *[text] UTF-8 text
}; a file saved as Windows-1252/Latin-1 breaks accented letters
load-file-missing = this file is missing
load-file-is-folder = this is a folder, not a file
load-file-denied = this file cannot be read: permission denied
load-file-link-loop = this file is a symbolic link that leads back to itself
load-toml-unknown-key = unknown key `{ $key }`; the keys allowed here are { $known }
load-file-unreadable = this file cannot be read: { $cause }
load-file-missing-publisher-hint = the catalogue folder needs publisher.toml: the portal profile, the organisation and default metadata (see the README)
load-file-missing-plan-hint = every plan folder needs plan.toml, commitments.csv and milestones.csv (or the same names in .json, .xlsx or .ods)
load-toml-syntax = { $cause }
load-toml-syntax-hint = see the catalogue format in the README: keys, quotes and [tables]
load-toml-date = `{ $written }` is a TOML date, not text
load-toml-date-hint = write the date in quotes: "{ $written }"
load-did-you-mean = did you mean `{ $name }`?
load-unknown-key-hint = remove `{ $key }`; the keys allowed here are: { $known }
load-not-a-lint = `{ $name }` is not a lint
load-not-a-lint-hint = the lints are { $lints }; structural rules always hold
load-not-a-lint-level = `{ $level }` is not a lint level
load-not-a-lint-level-hint = use "allow", "warn" or "deny"
load-bad-datastore = `{ $value }` is not a DataStore setting
load-bad-datastore-hint = use "auto" (the data tables are loaded into the DataStore when the portal has one) or "off" (the files alone are published)
load-standard-column = `{ $name }` is already a standard column (`{ $key }`)
load-column-twice = `{ $name }` is declared twice
load-extra-column-hint = declare only columns the standard ones do not cover, each once; rename this one


## Diagnostics: rules of the catalogue (src/check, src/profile, src/model)

dq-required = Données Québec requires `{ $field }` for the dataset of plan `{ $plan }`
dq-required-hint = add `{ $example }` under `[dataset]` in `{ $file }` (all plans) or in this plan.toml
dq-bad-value = `{ $value }` is not a Données Québec `{ $field }`
dq-empty = Données Québec requires a non-empty `{ $field }`
dq-empty-hint = write for example `{ $example }`
dq-bad-email = `{ $value }` is not an e-mail address the portal accepts
dq-bad-email-hint = write one address such as `donnees.ouvertes@exemple.gouv.qc.ca`, without a name or angle brackets
dq-no-tag = Données Québec requires at least one tag for the dataset of plan `{ $plan }`
dq-no-tag-hint = add `tags = ["gouvernement ouvert"]` under `[dataset]` (terms of the Thésaurus de l'activité gouvernementale)

rule-use-one-of = use one of: { $choices }
rule-unknown-profile = unknown portal profile `{ $name }`
rule-duplicate-dataset-name = plans `{ $first }` and `{ $plan }` would publish the same dataset `{ $name }`
rule-duplicate-dataset-name-hint = give each plan its own `name` under `[dataset]`
rule-title-required = `title` is required
rule-title-required-hint = write the plan's official title
rule-empty-plan = this plan has no commitments: its dataset would be published with empty tables
rule-empty-plan-hint = add the plan's commitments, or keep the plan folder out of the catalogue until they are known
rule-name-length = must be 2 to 100 characters long
rule-name-characters = may hold only lowercase ASCII letters, digits, `-` and `_`
rule-name-reserved = is reserved by CKAN
rule-bad-name = name `{ $name }` { $problem }
rule-bad-name-hint = CKAN would reject it; try `{ $good }`
rule-tag-short = is shorter than 2 characters
rule-tag-long = is longer than 100 characters
rule-tag-character = holds { $character }, which CKAN does not accept in tags
rule-bad-tag = tag { $tag } { $problem }
rule-bad-tag-hint = tags are 2 to 100 letters, digits, spaces, `-`, `_` or `.`; accents are fine
rule-end-before-start = `{ $field }` { $end } is before `start` { $start }
rule-end-before-start-hint = swap the dates, or correct the one that was mistyped
rule-duplicate-id = { $what ->
    [commitment] commitment
   *[milestone] milestone
} id `{ $id }` is already used on line { $line }
rule-duplicate-id-hint = ids must be unique and stable: reusers join on them
rule-unknown-challenge = challenge `{ $id }` is not declared in plan.toml
rule-unknown-challenge-hint = declare it in plan.toml: [[challenges]] id = "…" title = "…"
rule-unknown-commitment = commitment `{ $id }` does not exist in this plan
rule-unknown-commitment-hint = use the `id` of a row of `{ $file }`
rule-completed-without-date = milestone `{ $id }` is completed but has no `completed_on`
rule-completed-without-date-hint = give the completion date (YYYY-MM-DD or YYYY-MM)
rule-date-without-completion = milestone `{ $id }` has a `completed_on` but is not completed
rule-date-without-completion-hint = set `status` to completed, or empty `completed_on`


# Lint hints: what to write in a [lints] table. Never what the file already says.
hint-and = { $first }; { $then }
lint-allow-here = to accept this gap and quiet the run, set `{ $code } = "allow"` under `[lints]` in { $file }
lint-allow-all = to accept it for every plan, set `{ $code } = "allow"` under `[lints]` in publisher.toml
lint-warn = if the sources leave this gap, set `{ $code } = "warn"` under `[lints]` in plan.toml

## Command line: help (src/cli.rs)


cli-about = Publish an open-government action plan as open data.
cli-long-about = Publish an open-government action plan as open data.

    Keep the plan in a catalogue folder (publisher.toml, plans/<id>/plan.toml, commitments.csv, milestones.csv), run `check` while you edit it, and `build` to write the files the portal will serve.
cli-usage-heading = Usage:
cli-options-heading = Options
cli-arguments-heading = Arguments
cli-commands-heading = Commands
cli-command-value = COMMAND
cli-help-flag = Print help (see more with --help)
cli-version-flag = Print the version
cli-default = [default: { $value }]
cli-env = [environment: { $name }]
cli-values = [values: { $values }]
cli-check-about = Read the catalogue and report every problem at once (exit 0 clean, 1 with errors).
cli-check-long = Read the catalogue and report every problem at once (exit 0 clean, 1 with errors).

    Each problem names the file, line, column and field, with a stable code and a hint on how to fix it. Nothing is written.
cli-build-about = Check the catalogue, then write the open-data files (exit 0 written, 1 catalogue errors, 2 could not write).
cli-build-long = Check the catalogue, then write the open-data files (exit 0 written, 1 catalogue errors, 2 could not write).

    Writes per plan the CKAN package, the commitments and milestones as CSV and JSON, the whole plan as nested JSON, a data dictionary and a Frictionless Data Package; then a DCAT catalogue and a manifest with every file's size and SHA-256. The same catalogue always gives byte-identical files. The output folder is replaced whole, and only when everything was written; with catalogue errors nothing is written.
cli-preview-about = Build, then show the preview of what reusers will see (exit 0 / 1 / 2 as for build).
cli-preview-long = Build, then show the preview of what reusers will see (exit 0 / 1 / 2 as for build).

    Writes the output like `build`, including dist/preview/: an index of the datasets and a page per dataset laid out like the portal's, with charts and table previews. Open dist/preview/index.html in a browser; it needs no network. With --serve, serves it on 127.0.0.1 and rebuilds whenever the catalogue changes (errors show in the page). With --portal, each page also shows what `push` would change there. The pages are in the portal profile's language unless --lang is given.
cli-diff-about = Show what `push` would change on the portal (exit 0 nothing, 1 changes, 2 trouble).
cli-diff-long = Show what `push` would change on the portal (exit 0 nothing, 1 changes, 2 trouble).

    Asks the portal's search index for the datasets of dist/ (one package_search per 500 datasets) and compares the fields we publish and each file's SHA-256 with the portal's copy. Nothing is downloaded and nothing is written. (An index can lag a write by a moment; push reads a dataset itself before writing to it.)
cli-push-about = Publish dist/ to the portal: create what is missing, update only what changed (exit 0 done, 2 nothing written: portal, token or dist/ trouble, 3 some datasets failed).
cli-push-long = Publish dist/ to the portal: create what is missing, update only what changed (exit 0 done, 2 nothing written: portal, token or dist/ trouble, 3 some datasets failed).

    Checks first that the portal answers and the token may create datasets in the organisation. A night without change costs those two checks, one package_search per 500 datasets and no write; the new files of a dataset go up together in one package_revise. Safe to run again after a crash: it converges without duplicating resources. Run it after `build`: `ogp-publish build && ogp-publish push --portal URL`.
cli-arg-verbose = Print debug lines (each request to the portal, retries) on standard error.
cli-arg-quiet = Show no progress bar and no line per action.
build-bar-unit = plans
cli-arg-lang = The language of messages: fr or en (otherwise the locale: LC_ALL, LC_MESSAGES or LANG; English when none is set).
cli-arg-catalog = The catalogue folder.
cli-value-catalog = CATALOGUE
cli-arg-format = Output format: human (for people) or json (for programs).
cli-value-format = FORMAT
cli-value-lang = LANG
cli-arg-jobs = Plans checked at once (0: one per core, at most 8).
cli-build-arg-jobs = Plans checked and written at once (0: one per core, at most 8).
cli-value-jobs = N
cli-arg-all = Print every diagnostic, not only the first of each code.
cli-arg-out = The output folder (replaced whole).
cli-value-out = FOLDER
cli-arg-serve = Serve the preview on 127.0.0.1 and rebuild on change, until stopped (Ctrl-C).
cli-arg-port = Port for --serve (0 picks a free one).
cli-value-port = PORT
cli-arg-portal = The portal's base address; may carry a path, e.g. https://pab.donneesquebec.ca/recherche.
cli-preview-arg-portal = Compare with this portal and show what push would change.
cli-value-portal = URL
cli-arg-token-file = A file holding the API token. Without it, the token is read from CKAN_API_TOKEN.
cli-value-token-file = FILE
cli-arg-allow-http = Allow plain http:// to a host other than this machine (the token would travel unencrypted).
cli-arg-dist = The built output to publish (written by `build`).
cli-value-dist = FOLDER
cli-arg-concurrency = Datasets read or written in parallel.
cli-value-concurrency = N
cli-arg-timeout = Seconds before a request is abandoned.
cli-value-timeout = SECONDS
cli-arg-max-attempts = Times a request is sent before giving up (1 = no retry). Only connection errors, 408, 429 and 5xx are retried.
cli-value-max-attempts = N
cli-arg-retry-delay-ms = First retry delay in milliseconds (doubles each retry, with jitter).
cli-value-retry-delay-ms = MS
cli-arg-dry-run = Show the plan and stop, like `diff`.
cli-arg-prune = Delete portal resources of our datasets that dist/ no longer has (default: report them).
cli-arg-report = Write one JSON line per action to this file.
cli-value-report = FILE
cli-error = error: { $message }
cli-error-more = For more information, try `--help`.
cli-error-unknown-argument = unexpected argument `{ $arg }`
cli-error-unknown-command = unknown command `{ $name }`
cli-error-bad-value = `{ $value }` is not a value of { $arg } (possible values: { $values })
cli-error-invalid-value = invalid value `{ $value }` for { $arg }: { $cause }
cli-error-missing-argument = { $arg } is required
cli-error-missing-command = a command is required: check, build, preview, diff or push

## Command line: output and errors (src/cli.rs, src/error.rs)
# Errors that stop a command (src/error.rs).
error-invalid = the catalogue has { $count ->
    [one] { $count } error
   *[other] { $count } errors
}; nothing was written
error-io = `{ $path }`: { $cause }
error-foreign-output = `{ $path }` exists and was not written by ogp-publish (it has no manifest.json); refusing to replace it (choose another --out or remove it)
error-output-overlaps = the output folder `{ $out }` overlaps the catalogue `{ $catalog }`; choose another --out
error-unknown-profile = unknown portal profile `{ $name }`
error-dist-missing = `{ $path }`: { $cause } (run `ogp-publish build` first)
error-dist-tampered = `{ $path }` changed since the build (size or SHA-256 differs from manifest.json); run `ogp-publish build` again
error-dist-malformed = `{ $path }` is not a file written by `ogp-publish build`: { $cause }
error-locked = another push of `{ $dist }` is running (pid { $pid }); wait for it to finish: pushes of the same output never run at once
error-token-file = cannot read the token file `{ $path }`: { $cause }
error-empty-token-file = the token file `{ $path }` is empty
error-bad-portal-url = `{ $url }` is not an http(s) portal address
error-plain-http = refusing plain http:// to `{ $host }`: the token would travel unencrypted (use https://, or --allow-http if you accept that)
error-http = cannot set up HTTP: { $cause }
error-unreachable = the portal does not answer: { $cause }
error-no-token = no API token: set CKAN_API_TOKEN or pass --token-file
error-cannot-read = the portal does not know the API token, or its user has no access to organisation `{ $org }`: check that the token is current (without it, a private dataset would look missing)
error-cannot-write = the API token cannot create datasets in organisation `{ $org }`: check that the token is current and that its user is an editor or admin of `{ $org }` on the portal
error-portal = cannot read the portal: { $cause }
error-portal-mismatch = the portal would refuse or lose what `dist/` holds; nothing was written:
error-list-item = { $list }{"\u000A"}  - { $item }
ckan-error = `{ $action }`{ $status ->
    [none] {""}
   *[other] {" "}(HTTP { $status })
}: { $what }{ $attempts ->
    [0] {""}
    [1] {""}
   *[other] {" "}(after { $attempts } attempts)
}
ckan-rejected = the portal rejected { $fields }
ckan-not-authorised = not authorised: { $message }
ckan-not-found = not found
ckan-other = { $kind }: { $message }
ckan-transport = { $message }
mismatch-dataset = dataset `{ $dataset }`: { $problem }
mismatch-resource = dataset `{ $dataset }`, resource `{ $resource }`: { $problem }
mismatch-missing = the portal requires `{ $field }` and it is missing (set it under `[dataset]` in publisher.toml or plan.toml)
mismatch-not-a-choice = `{ $field }` = `{ $value }` is not accepted by the portal; allowed: { $allowed }
mismatch-not-an-email = `{ $field }` = `{ $value }` is not an e-mail address the portal accepts
mismatch-not-a-natural-number = `{ $field }` = `{ $value }` is not a whole number of zero or more
mismatch-unknown-field = the portal's schema has no field `{ $field }`: it would drop `{ $value }`, and every push would find it changed (choose the profile of this portal, or ask the portal team to add the field)
mismatch-no-such-organization = the organisation `{ $value }` does not exist on the portal (check `[organization] name` in publisher.toml against the portal's organisation address)
mismatch-no-such-group = the group `{ $value }` does not exist on the portal (check `groups` against the portal's group list)

diagnostic-totals = { $errors ->
    [one] { $errors } error
   *[other] { $errors } errors
}, { $warnings ->
    [one] { $warnings } warning
   *[other] { $warnings } warnings
}
cli-check-clean = `{ $path }`: { $plans ->
    [one] { $plans } plan
   *[other] { $plans } plans
}, no errors
cli-wrote = wrote `{ $path }`: { $datasets ->
    [one] { $datasets } dataset
   *[other] { $datasets } datasets
}, { $files } files, { $bytes } bytes
cli-nothing-written = error: the catalogue has errors; nothing was written
cli-token-file-readable = warning: the token file `{ $path }` can be read by other users (mode { $mode }); run `chmod 600 { $path }`
cli-debug = debug: { $line }
trace-attempt = { $action } attempt { $attempt }: { $result } ({ $ms } ms)
trace-ok = ok
trace-retry = { $action }: retrying in { $ms } ms
cli-cannot-listen = cannot listen on 127.0.0.1:{ $port }: { $cause } (choose another --port)
cli-rebuilt = rebuilt `{ $path }`
cli-serving = serving { $url } (Ctrl-C to stop)
plan-dataset = { $name }: { $action ->
    [create] create
    [update] update
   *[unchanged] unchanged
}
plan-upload = ~ { $key }: new content (upload)
plan-datastore-load = ~ { $key }: DataStore table to create and load (typed, documented columns)
plan-datastore-sync = ~ { $key }: DataStore table to bring up to date (changed rows only, before the file)
plan-extra = ! { $key }: extra on the portal (kept; --prune deletes it)
plan-duplicate = - { $key }: second copy of our file (removed)
plan-totals = { $create } to create, { $update } to update, { $unchanged } unchanged
push-bar-unit = changes
push-action = { $outcome ->
    [ok] ok
    [failed] failed
    [reconciled] reconciled
    [reported] reported
    [exists] exists
    [stale] stale
    [unsupported] unsupported
   *[other] { $outcome }
} { $dataset } { $action }
push-action-failed = { $action }: { $cause }
push-summary = push: { $created } created, { $updated } updated, { $unchanged } unchanged, { $failed } failed; { $requests ->
    [one] { $requests } request
   *[other] { $requests } requests
}, { $writes ->
    [one] { $writes } write
   *[other] { $writes } writes
}, { $bytes } bytes uploaded
push-dataset-failed = dataset `{ $name }` was not fully published (see the lines above)
push-token-refused = the portal refused the token; the run stopped (check CKAN_API_TOKEN)
push-datastore-unreadable = the table could not be read back for the DataStore: { $cause } (run `build` again)
push-gave-up = gave up after { $tries } tries without progress: { $cause }
push-no-results = the answer has no `results` list
dist-bad-json = { $cause }
dist-no-member = no `{ $member }`
dist-not-an-object = not an object
dist-no-resources = no `resources` list
dist-resource-not-an-object = a resource is not an object
dist-resource-no-url = a resource has no `url`

# The preview pages (src/preview).
preview-site = Preview before publication — ogp-publish
preview-footer = Preview generated by ogp-publish from the catalogue; nothing is published yet.
preview-index-title = Open government action plans
preview-profile = profile
preview-datasets = datasets
preview-datasets-title = Datasets
preview-datasets-caption = One dataset per action plan
preview-dataset = Dataset
preview-plan = Plan
preview-commitments = Commitments
preview-milestones = Milestones
preview-progress = Progress
preview-warnings = Warnings
preview-push = Publication
preview-warnings-title = Validation warnings
preview-warnings-all = { $count ->
    [one] The { $count } warning of this plan
   *[other] All { $count } warnings of this plan
}
preview-warnings-of-code = { $code }: { $count }
preview-errors-title = The catalogue has errors
preview-errors-intro = Fix them: the preview is rebuilt as soon as you save.
preview-breadcrumb = Breadcrumb
preview-description = Description
preview-tags = Tags
preview-resources = Data and resources
preview-progress-title = Commitment progress
preview-progress-caption = Share of completed milestones for each commitment (as a percentage; "unknown" when no milestone is known).
preview-timeline-title = Milestones over time
preview-status-caption = Number of milestones per status (each status has its own shape and label).
preview-preview-of = Preview of
preview-additional-info = Additional info
preview-field = Field
preview-value = Value
preview-diff-title = What push would change on the portal

## Preview pages: words in code (src/preview)
# File sizes; $size already has its decimal point.
preview-decimal-separator = .
preview-size-mb = { $size } MB
preview-size-kb = { $size } kB
preview-size-bytes = { $bytes ->
    [one] { $bytes } byte
   *[other] { $bytes } bytes
}
# The metadata table. English shows the portal's codes for frequency and language.
preview-organization = Organization
preview-main-organization = Main organization
preview-update-frequency = Update frequency
preview-frequency = { $code }
preview-spatial-coverage = Spatial coverage
preview-temporal-coverage = Temporal coverage
preview-language = Language
preview-language-value = { $code }
preview-license = License
preview-author = Author
preview-author-email = Author email
preview-maintainer = Maintainer
preview-maintainer-email = Maintainer email
preview-website = Source
preview-name-url = Name (URL)
preview-accepted-gaps = Accepted gaps (rules set to “allow”)
preview-visibility = Visibility
preview-private = Private
preview-public = Public
preview-methodology = Methodology
# Resources and table previews.
preview-kind-data = Data
preview-kind-documentation = Documentation
preview-table-summary = { $shown } of { $total ->
    [one] { $total } row
   *[other] { $total } rows
}.
# What push would change.
preview-diff-create = New dataset: it would be created with all its resources.
preview-diff-update = The dataset exists; these changes would be sent:
preview-diff-unchanged = The portal is up to date: nothing would be written.
preview-diff-metadata = Changed metadata: { $fields }
preview-diff-file-new = File to upload (new): { $key }
preview-diff-file-changed = File to upload (changed content): { $key }
preview-diff-resource-changed = Changed resource: { $key } ({ $fields })
preview-diff-duplicate = Second copy of our file (removed): { $key }
preview-diff-extra = Extra resource on the portal (kept without --prune): { $key }
preview-diff-summary-create = to create
preview-diff-summary-unchanged = up to date
preview-diff-summary-update = to update ({ $fields ->
    [one] { $fields } field
   *[other] { $fields } fields
}, { $files ->
    [one] { $files } file
   *[other] { $files } files
})
# The charts (src/preview/charts.rs); $completed and $total are written without grouping.
preview-status-unknown = Unknown status
preview-percent = { $completed }/{ $total } — { $percent }%
preview-percent-unknown = unknown
preview-milestones-completed = Milestones completed
preview-statuses-title = Milestones per status
preview-timeline-empty = No dated milestone in the sources.
preview-timeline-caption = { $dated ->
    [one] { $dated } milestone
   *[other] { $dated } milestones
} placed by due date (or completion date); { $undated ->
    [one] { $undated } milestone without a date is
   *[other] { $undated } milestones without a date are
} not on the axis.
preview-timeline-grouped-caption = { $dated ->
    [one] { $dated } milestone
   *[other] { $dated } milestones
} placed by due date (or completion date), grouped by status and { $quarters ->
    [1] quarter
   *[other] by { $quarters } quarters
}; { $undated ->
    [one] { $undated } milestone without a date is
   *[other] { $undated } milestones without a date are
} not on the axis.
# A quarter (2022-Q1) and a count of milestones in a period.
preview-quarter = { $year }-Q{ $quarter }
preview-count-in = { $count } in { $period }
