# Messages français d’ogp-publish. Chaque message existe aussi dans en.ftl, avec les mêmes
# arguments (tests/i18n.rs le vérifie). Les identifiants ne changent pas ; les codes de
# diagnostic et les clés JSON ne se traduisent jamais.

## Général

# Texte qui n’a pas encore son propre message.
raw = { $text }
# Valeur du catalogue coupée dans un message.
quote-cut = { $value }… ({ $length } caractères)

## Diagnostics : leur présentation

level-error = erreur
level-warning = avertissement
diagnostic-line = { $file }:{ $line }:{ $col } : { $level }[{ $code }] : { $message }
diagnostic-field = champ : { $field }
diagnostic-hint = aide : { $hint }
more-diagnostics = … et { $count } autres { $code } dans { $files ->
    [one] un fichier
   *[other] { $files } fichiers
}

## Diagnostics : lecture des fichiers (src/load)


## Diagnostics : règles du catalogue (src/check, src/profile, src/model)


# Indices des règles : quoi écrire dans une table [lints], jamais ce que le fichier dit déjà.
hint-and = { $first } ; { $then }
lint-allow-here = pour accepter cette lacune et alléger la sortie, écrivez `{ $code } = "allow"` sous `[lints]` dans { $file }
lint-allow-all = pour l’accepter dans tous les plans, écrivez `{ $code } = "allow"` sous `[lints]` dans publisher.toml
lint-warn = si les sources laissent cette lacune, écrivez `{ $code } = "warn"` sous `[lints]` dans plan.toml

## Ligne de commande : aide (src/cli.rs)


## Ligne de commande : sorties et erreurs (src/cli.rs, src/error.rs)

