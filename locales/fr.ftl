# Messages français d’ogp-publish. Chaque message existe aussi dans en.ftl, avec les mêmes
# arguments (tests/i18n.rs le vérifie). Les identifiants ne changent pas ; les codes de
# diagnostic et les clés JSON ne se traduisent jamais.

## Général

# Texte montré tel quel (déjà dans la langue du lecteur, ou les mots d’une bibliothèque).
plain = { $text }
# Valeur du catalogue coupée dans un message.
quote-cut = { $value }… ({ $length } caractères)

## Diagnostics : leur présentation

level-error = erreur
level-warning = avertissement
diagnostic-line = { $file }:{ $line }:{ $col } : { $level }[{ $code }] : { $message }
diagnostic-line-cell = { $file }, feuille { $sheet }, cellule { $cell } : { $level }[{ $code }] : { $message }
diagnostic-field = champ : { $field }
diagnostic-hint = aide : { $hint }
more-diagnostics = … et { $count } autres { $code } dans { $files ->
    [one] un fichier
   *[other] { $files } fichiers
}

## Diagnostics : lecture des fichiers (src/load)

load-bad-date = `{ $field }` { $value } n’est pas une date
load-bad-date-hint = utilisez AAAA-MM-JJ, ou AAAA-MM si seul le mois est connu ; laissez vide si la date est inconnue
load-ambiguous-source = `{ $stem }.csv` et `{ $stem }.json` existent tous deux ; un seul peut être la source
load-ambiguous-source-hint = supprimez ou renommez celui qui n’est pas tenu à jour
load-ambiguous-sources = { $files } existent tous ; un seul peut être la source
load-workbook-unreadable = impossible de lire ce classeur : { $cause }
load-workbook-password = il est protégé par un mot de passe
load-workbook-password-hint = retirez le mot de passe dans le tableur (Fichier › Informations › Protéger le classeur), ou enregistrez-en une copie sans mot de passe
load-workbook-unreadable-hint = ouvrez-le dans le tableur et enregistrez-le de nouveau en « Classeur Excel (.xlsx) » ou « Classeur OpenDocument (.ods) »
load-workbook-no-sheet = il ne contient aucune feuille
load-workbook-empty = la feuille { $sheet } est vide
load-workbook-no-header = la ligne 1 de la feuille { $sheet } est vide : l’en-tête doit s’y trouver
load-workbook-header-hint = inscrivez les noms de colonnes à la ligne 1 de la première feuille (`id`, `title`, …), un par colonne, et les enregistrements en dessous
load-cell-error = la cellule contient l’erreur { $error }
load-cell-error-hint = corrigez la formule, ou saisissez la valeur
load-formula-cell = la cellule contient la formule `{ $formula }` ; sa dernière valeur calculée, { $value }, est lue
load-formula-cell-hint = saisissez plutôt la valeur, pour que la valeur publiée ne puisse pas changer à votre insu
load-missing-column = la colonne obligatoire `{ $key }` est absente
load-missing-column-hint = ajoutez une colonne `{ $key }` à la ligne d’en-tête
load-unnamed-column = une colonne n’a pas de nom : ses valeurs seraient perdues
load-unnamed-column-hint = nommez la colonne, ou supprimez-la (une virgule en fin de ligne d’en-tête crée une colonne vide)
load-unknown-column = colonne inconnue `{ $name }` : ses valeurs seraient perdues
load-unknown-column-near = vouliez-vous dire `{ $name }` ? Sinon, déclarez-la sous `[columns]` dans plan.toml pour qu’elle soit publiée
load-unknown-column-semicolon = les valeurs sont séparées par des `;` : avec « Enregistrer sous », enregistrez de nouveau le fichier en « CSV UTF-8 (délimité par des virgules) »
load-unknown-column-hint = déclarez-la sous `[columns]` dans plan.toml pour qu’elle soit publiée, ou retirez-la
load-semicolon-separator = les valeurs de ce fichier sont séparées par des `;`, comme un tableur réglé en français enregistre le « CSV » : le fichier a été lu ainsi
load-semicolon-separator-hint = pour garder le format habituel du catalogue, enregistrez-le de nouveau en « CSV UTF-8 (délimité par des virgules) »
load-csv-separator = l’en-tête contient à la fois des `,` ({ $commas }) et des `;` ({ $semicolons }) entre ses noms : impossible de savoir lequel sépare les valeurs
load-csv-separator-hint = avec « Enregistrer sous », enregistrez de nouveau le fichier en « CSV UTF-8 (délimité par des virgules) », pour que seules des `,` séparent les valeurs
load-empty-file = le fichier est vide
load-empty-csv-hint = la première ligne doit nommer les colonnes, par exemple `id,title,...`
load-empty-json-hint = écrivez un tableau d’enregistrements : `[ {"{"}"id": "…", …{"}"} ]`
load-duplicate-column = la colonne `{ $name }` figure deux fois dans l’en-tête
load-duplicate-column-hint = gardez une seule colonne de chaque nom
load-field-count = cette ligne a { $fields ->
    [one] { $fields } champ
   *[other] { $fields } champs
}, mais l’en-tête en a { $width }
load-field-count-hint = une valeur contenant une virgule doit être entre guillemets droits : "a, b"
load-unclosed-quote = cette valeur entre guillemets n’est jamais refermée
load-unclosed-quote-hint = refermez la valeur par un guillemet droit ; un guillemet à l’intérieur d’une valeur s’écrit deux fois : ""
load-text-after-quote = du texte suit le guillemet fermant d’une valeur
load-text-after-quote-hint = mettez toute la valeur entre guillemets et doublez ceux de l’intérieur : "a ""b"" c"
load-json-not-array = un tableau d’objets était attendu
load-json-not-array-hint = écrivez `[ {"{"}"id": "…", …{"}"}, … ]`
load-json-invalid = JSON non valide (message de l’analyseur, en anglais) : { $cause }
load-json-invalid-hint = vérifiez les virgules, les guillemets et les crochets près de cet endroit
load-json-not-object = un objet était attendu
load-json-not-object-hint = chaque élément est un enregistrement : `{"{"}"id": "…", …{"}"}`
load-json-duplicate-key = la clé `{ $name }` figure deux fois dans cet enregistrement
load-json-duplicate-key-hint = gardez une seule clé de chaque nom : JSON ne conserve que la dernière
load-json-bad-value = `{ $key }` doit être une chaîne de caractères, un nombre, null ou une liste de chaînes de caractères
load-json-bad-value-hint = écrivez `"{ $key }": "…"`, ou `null` si la valeur est inconnue
load-missing-field = `{ $key }` est obligatoire
load-missing-field-hint = remplissez `{ $key }` pour cette ligne
load-unknown-value = `{ $key }` { $value } n’est pas une valeur connue
load-formula-like = `{ $column }` commence par `{ $first }` : un tableur pourrait l’interpréter comme une formule lorsque des réutilisateurs ouvriront le fichier CSV
load-formula-like-hint = si ce n’est pas une formule voulue, reformulez le début (par exemple « Moins de … » au lieu de « - … ») ; le texte est publié tel quel
load-bad-url = `{ $field }` { $value } n’est pas une adresse http(s)
load-bad-url-hint = écrivez l’adresse complète, qui commence par https://
load-bad-number = `number` { $value } n’est pas un nombre entier
load-bad-number-hint = inscrivez le numéro de l’engagement dans le plan, par exemple 3
load-bad-ogp-value = { $value } n’est pas une valeur du PGO
load-bad-ogp-value-hint = utilisez une ou plusieurs de ces valeurs, séparées par `;` : { $codes }

load-no-plans-folder = le catalogue n’a pas de dossier `plans`
load-no-plans-folder-hint = créez `plans/<plan-id>/` contenant plan.toml, commitments.csv et milestones.csv
load-no-plans = aucun plan à publier
load-no-plans-hint = ajoutez un dossier `plans/<plan-id>/` avec plan.toml, commitments.csv et milestones.csv
load-outside = ce chemin mène hors du catalogue, vers `{ $target }`
load-outside-hint = gardez tous les fichiers dans le dossier du catalogue ; remplacez le lien par le fichier lui-même
load-utf16 = le fichier est en UTF-16, pas en UTF-8
load-utf16-hint = enregistrez-le de nouveau en « CSV UTF-8 » (ou en texte UTF-8)
load-not-utf8 = octets qui ne sont pas de l’UTF-8
load-not-utf8-hint = enregistrez le fichier en { $kind ->
    [csv] « CSV UTF-8 »
   *[text] texte UTF-8
} ; un fichier enregistré en Windows-1252 ou Latin-1 abîme les lettres accentuées
load-file-missing = ce fichier est absent
load-file-is-folder = c’est un dossier, pas un fichier
load-file-denied = ce fichier ne peut pas être lu : accès refusé
load-file-link-loop = ce fichier est un lien symbolique qui renvoie à lui-même
load-toml-unknown-key = clé inconnue `{ $key }` ; les clés permises ici sont { $known }
load-file-unreadable = ce fichier ne peut pas être lu : { $cause }
load-file-missing-publisher-hint = le dossier du catalogue doit contenir publisher.toml : le profil de portail, l’organisation et les métadonnées par défaut (voir le README)
load-file-missing-plan-hint = chaque dossier de plan doit contenir plan.toml, commitments.csv et milestones.csv (ou les mêmes noms en .json, .xlsx ou .ods)
load-toml-syntax = TOML non valide (message de l’analyseur, en anglais) : { $cause }
load-toml-syntax-hint = consultez le format du catalogue dans le README : clés, guillemets et [tables]
load-toml-date = `{ $written }` est une date TOML, pas du texte
load-toml-date-hint = écrivez la date entre guillemets : "{ $written }"
load-did-you-mean = vouliez-vous dire `{ $name }` ?
load-unknown-key-hint = retirez `{ $key }` ; les clés permises ici sont : { $known }
load-not-a-lint = `{ $name }` n’est pas une règle ajustable
load-not-a-lint-hint = les règles ajustables sont { $lints } ; les règles de structure s’appliquent toujours
load-not-a-lint-level = `{ $level }` n’est pas un niveau de règle
load-not-a-lint-level-hint = utilisez "allow", "warn" ou "deny"
load-bad-datastore = `{ $value }` n’est pas un réglage du DataStore
load-bad-datastore-hint = utilisez "auto" (les tables de données sont chargées dans le DataStore quand le portail en a un) ou "off" (seuls les fichiers sont publiés)
load-standard-column = `{ $name }` est déjà une colonne standard (`{ $key }`)
load-column-twice = `{ $name }` est déclarée deux fois
load-extra-column-hint = déclarez seulement des colonnes qui ne font pas partie des colonnes standard, chacune une seule fois ; renommez celle-ci


## Diagnostics : règles du catalogue (src/check, src/profile, src/model)

dq-required = Données Québec exige `{ $field }` pour le jeu de données du plan `{ $plan }`
dq-required-hint = ajoutez `{ $example }` sous `[dataset]` dans `{ $file }` (tous les plans) ou dans ce plan.toml
dq-bad-value = `{ $value }` n’est pas une valeur de `{ $field }` acceptée par Données Québec
dq-empty = Données Québec exige un `{ $field }` non vide
dq-empty-hint = écrivez par exemple `{ $example }`
dq-bad-email = `{ $value }` n’est pas une adresse courriel que le portail accepte
dq-bad-email-hint = écrivez une seule adresse, comme `donnees.ouvertes@exemple.gouv.qc.ca`, sans nom ni chevrons
dq-no-tag = Données Québec exige au moins un mot-clé pour le jeu de données du plan `{ $plan }`
dq-no-tag-hint = ajoutez `tags = ["gouvernement ouvert"]` sous `[dataset]` (termes du Thésaurus de l’activité gouvernementale)

rule-use-one-of = utilisez l’une de ces valeurs : { $choices }
rule-unknown-profile = profil de portail inconnu : `{ $name }`
rule-duplicate-dataset-name = les plans `{ $first }` et `{ $plan }` publieraient le même jeu de données `{ $name }`
rule-duplicate-dataset-name-hint = donnez à chaque plan son propre `name` sous `[dataset]`
rule-title-required = `title` est obligatoire
rule-title-required-hint = inscrivez le titre officiel du plan
rule-empty-plan = ce plan n’a aucun engagement : son jeu de données serait publié avec des tableaux vides
rule-empty-plan-hint = ajoutez les engagements du plan, ou laissez son dossier hors du catalogue jusqu’à ce qu’ils soient connus
rule-name-length = doit compter de 2 à 100 caractères
rule-name-characters = ne peut contenir que des lettres ASCII minuscules, des chiffres, `-` et `_`
rule-name-reserved = est réservé par CKAN
rule-bad-name = le nom `{ $name }` { $problem }
rule-bad-name-hint = CKAN le refuserait ; essayez `{ $good }`
rule-tag-short = compte moins de 2 caractères
rule-tag-long = compte plus de 100 caractères
rule-tag-character = contient { $character }, que CKAN n’accepte pas dans les mots-clés
rule-bad-tag = le mot-clé { $tag } { $problem }
rule-bad-tag-hint = un mot-clé compte de 2 à 100 lettres, chiffres, espaces, `-`, `_` ou `.` ; les accents sont permis
rule-end-before-start = `{ $field }` { $end } précède `start` { $start }
rule-end-before-start-hint = inversez les dates, ou corrigez celle qui a été mal saisie
rule-duplicate-id = l’identifiant { $what ->
    [commitment] d’engagement
   *[milestone] de jalon
} `{ $id }` est déjà utilisé à la ligne { $line }
rule-duplicate-id-hint = les identifiants doivent être uniques et stables : les réutilisateurs s’en servent pour joindre les tableaux
rule-unknown-challenge = le défi `{ $id }` n’est pas déclaré dans plan.toml
rule-unknown-challenge-hint = déclarez-le dans plan.toml : [[challenges]] id = "…" title = "…"
rule-unknown-commitment = l’engagement `{ $id }` n’existe pas dans ce plan
rule-unknown-commitment-hint = utilisez l’`id` d’une ligne de `{ $file }`
rule-completed-without-date = le jalon `{ $id }` est réalisé, mais n’a pas de `completed_on`
rule-completed-without-date-hint = indiquez la date de réalisation (AAAA-MM-JJ ou AAAA-MM)
rule-date-without-completion = le jalon `{ $id }` a un `completed_on`, mais n’est pas réalisé
rule-date-without-completion-hint = mettez `status` à completed, ou videz `completed_on`


# Indices des règles : quoi écrire dans une table [lints], jamais ce que le fichier dit déjà.
hint-and = { $first } ; { $then }
lint-allow-here = pour accepter cette lacune et alléger la sortie, écrivez `{ $code } = "allow"` sous `[lints]` dans { $file }
lint-allow-all = pour l’accepter dans tous les plans, écrivez `{ $code } = "allow"` sous `[lints]` dans publisher.toml
lint-warn = si les sources laissent cette lacune, écrivez `{ $code } = "warn"` sous `[lints]` dans plan.toml

## Ligne de commande : aide (src/cli.rs)


cli-about = Publier un plan d’action pour un gouvernement ouvert en données ouvertes.
cli-long-about = Publier un plan d’action pour un gouvernement ouvert en données ouvertes.

    Tenez le plan dans un dossier de catalogue (publisher.toml, plans/<id>/plan.toml, commitments.csv, milestones.csv), lancez `check` pendant que vous le modifiez, puis `build` pour écrire les fichiers que le portail diffusera.
cli-usage-heading = Utilisation :
cli-options-heading = Options{"\u00A0"}
cli-arguments-heading = Arguments{"\u00A0"}
cli-commands-heading = Commandes{"\u00A0"}
cli-command-value = COMMANDE
cli-help-flag = Afficher l’aide (--help en donne davantage)
cli-version-flag = Afficher la version
cli-default = [par défaut : { $value }]
cli-env = [variable d’environnement : { $name }]
cli-values = [valeurs : { $values }]
cli-check-about = Lire le catalogue et signaler tous les problèmes d’un coup (code 0 s’il est sans erreur, 1 sinon).
cli-check-long = Lire le catalogue et signaler tous les problèmes d’un coup (code 0 s’il est sans erreur, 1 sinon).

    Chaque problème indique le fichier, la ligne, la colonne et le champ, avec un code stable et une piste de correction. Rien n’est écrit.
cli-build-about = Vérifier le catalogue, puis écrire les fichiers de données ouvertes (code 0 écrits, 1 erreurs dans le catalogue, 2 écriture impossible).
cli-build-long = Vérifier le catalogue, puis écrire les fichiers de données ouvertes (code 0 écrits, 1 erreurs dans le catalogue, 2 écriture impossible).

    Écrit pour chaque plan la fiche CKAN, les engagements et les jalons en CSV et en JSON, le plan entier en JSON imbriqué, un dictionnaire de données et un paquet de données Frictionless ; puis un catalogue DCAT et un manifeste donnant la taille et le SHA-256 de chaque fichier. Le même catalogue donne toujours des fichiers identiques à l’octet près. Le dossier de sortie est remplacé en entier, et seulement quand tout a été écrit ; si le catalogue contient des erreurs, rien n’est écrit.
cli-preview-about = Construire, puis montrer l’aperçu de ce que verront les personnes qui réutilisent les données (codes 0, 1 et 2 comme pour build).
cli-preview-long = Construire, puis montrer l’aperçu de ce que verront les personnes qui réutilisent les données (codes 0, 1 et 2 comme pour build).

    Écrit la sortie comme `build`, avec en plus dist/preview/ : un index des jeux de données et une page par jeu de données, mise en page comme celle du portail, avec graphiques et aperçus des tableaux. Ouvrez dist/preview/index.html dans un navigateur ; aucune connexion n’est nécessaire. Avec --serve, l’aperçu est servi sur 127.0.0.1 et reconstruit à chaque modification du catalogue (les erreurs s’affichent dans la page). Avec --portal, chaque page montre aussi ce que `push` y changerait. Les pages sont dans la langue du profil de portail, sauf si --lang est donné.
cli-diff-about = Montrer ce que `push` changerait sur le portail (code 0 aucun changement, 1 changements, 2 problème).
cli-diff-long = Montrer ce que `push` changerait sur le portail (code 0 aucun changement, 1 changements, 2 problème).

    Interroge l’index de recherche du portail sur les jeux de données de dist/ (un package_search par tranche de 500 jeux de données) et compare les champs publiés et le SHA-256 de chaque fichier avec la copie du portail. Rien n’est téléchargé ni écrit. (Un index peut avoir un léger retard sur une écriture ; push relit lui-même un jeu de données avant d’y écrire.)
cli-push-about = Publier dist/ sur le portail : créer ce qui manque, ne mettre à jour que ce qui a changé (code 0 terminé, 2 rien d’écrit : problème de portail, de jeton ou de dist/, 3 certains jeux de données ont échoué).
cli-push-long = Publier dist/ sur le portail : créer ce qui manque, ne mettre à jour que ce qui a changé (code 0 terminé, 2 rien d’écrit : problème de portail, de jeton ou de dist/, 3 certains jeux de données ont échoué).

    Vérifie d’abord que le portail répond et que le jeton peut créer des jeux de données dans l’organisation. Une nuit sans changement coûte ces deux vérifications, un package_search par tranche de 500 jeux de données et aucune écriture ; les nouveaux fichiers d’un jeu de données sont téléversés ensemble, en un seul package_revise. Peut être relancé sans risque après un arrêt brutal : il converge sans dupliquer de ressources. Lancez-le après `build` : `ogp-publish build && ogp-publish push --portal URL`.
cli-arg-verbose = Afficher les lignes de débogage (chaque requête au portail, les nouvelles tentatives) sur la sortie d’erreur.
cli-arg-quiet = N’afficher ni barre de progression ni ligne par action.
build-bar-unit = plans
cli-arg-lang = Langue des messages : fr ou en (sinon celle des paramètres régionaux : LC_ALL, LC_MESSAGES ou LANG ; l’anglais s’il n’y en a aucun).
cli-arg-catalog = Le dossier du catalogue.
cli-value-catalog = CATALOGUE
cli-arg-format = Format de sortie : human (pour les personnes) ou json (pour les programmes).
cli-value-format = FORMAT
cli-value-lang = LANGUE
cli-arg-jobs = Nombre de plans vérifiés à la fois (0 : un par cœur, au plus 8).
cli-build-arg-jobs = Nombre de plans vérifiés et écrits à la fois (0 : un par cœur, au plus 8).
cli-value-jobs = N
cli-arg-all = Afficher tous les diagnostics, et non seulement les premiers de chaque code.
cli-arg-out = Le dossier de sortie (remplacé en entier).
cli-value-out = DOSSIER
cli-arg-serve = Servir l’aperçu sur 127.0.0.1 et le reconstruire à chaque modification, jusqu’à l’arrêt (Ctrl-C).
cli-arg-port = Port de --serve (0 en choisit un libre).
cli-value-port = PORT
cli-arg-portal = L’adresse de base du portail ; elle peut comporter un chemin, par exemple https://pab.donneesquebec.ca/recherche.
cli-preview-arg-portal = Comparer avec ce portail et montrer ce que push changerait.
cli-value-portal = URL
cli-arg-token-file = Un fichier contenant le jeton d’API. Sans lui, le jeton est lu dans CKAN_API_TOKEN.
cli-value-token-file = FICHIER
cli-arg-allow-http = Permettre http:// en clair vers un hôte autre que cette machine (le jeton circulerait sans chiffrement).
cli-arg-dist = La sortie construite à publier (écrite par `build`).
cli-value-dist = DOSSIER
cli-arg-concurrency = Nombre de jeux de données lus ou écrits en parallèle.
cli-value-concurrency = N
cli-arg-timeout = Secondes avant l’abandon d’une requête.
cli-value-timeout = SECONDES
cli-arg-max-attempts = Nombre d’envois d’une requête avant d’abandonner (1 = aucune nouvelle tentative). Seules les erreurs de connexion et les codes 408, 429 et 5xx sont retentés.
cli-value-max-attempts = N
cli-arg-retry-delay-ms = Délai avant la première nouvelle tentative, en millisecondes (doublé à chaque fois, avec une part de hasard).
cli-value-retry-delay-ms = MS
cli-arg-dry-run = Montrer le plan et s’arrêter, comme `diff`.
cli-arg-prune = Supprimer les ressources de nos jeux de données que dist/ n’a plus (par défaut : les signaler).
cli-arg-report = Écrire dans ce fichier une ligne JSON par action.
cli-value-report = FICHIER
cli-error = erreur : { $message }
cli-error-more = Pour en savoir plus, essayez `--help`.
cli-error-unknown-argument = argument inattendu `{ $arg }`
cli-error-unknown-command = commande inconnue `{ $name }`
cli-error-bad-value = `{ $value }` n’est pas une valeur de { $arg } (valeurs possibles : { $values })
cli-error-invalid-value = valeur `{ $value }` invalide pour { $arg } : { $cause }
cli-error-missing-argument = { $arg } est requis
cli-error-missing-command = une commande est requise : check, build, preview, diff ou push

## Ligne de commande : sorties et erreurs (src/cli.rs, src/error.rs)
# Erreurs qui arrêtent une commande (src/error.rs).
error-invalid = le catalogue contient { $count ->
    [one] une erreur
   *[other] { $count } erreurs
} ; rien n’a été écrit
error-io = `{ $path }` : { $cause }
error-foreign-output = `{ $path }` existe et n’a pas été écrit par ogp-publish (il n’a pas de manifest.json) ; il ne sera pas remplacé (choisissez un autre --out ou supprimez-le)
error-output-overlaps = le dossier de sortie `{ $out }` chevauche le catalogue `{ $catalog }` ; choisissez un autre --out
error-unknown-profile = profil de portail inconnu : `{ $name }`
error-dist-missing = `{ $path }` : { $cause } (lancez d’abord `ogp-publish build`)
error-dist-tampered = `{ $path }` a changé depuis la construction (sa taille ou son SHA-256 diffère de manifest.json) ; relancez `ogp-publish build`
error-dist-malformed = `{ $path }` n’est pas un fichier écrit par `ogp-publish build` : { $cause }
error-locked = une autre publication de `{ $dist }` est en cours (processus { $pid }) ; attendez qu’elle se termine : deux publications de la même sortie ne s’exécutent jamais en même temps
error-token-file = impossible de lire le fichier de jeton `{ $path }` : { $cause }
error-empty-token-file = le fichier de jeton `{ $path }` est vide
error-bad-portal-url = `{ $url }` n’est pas une adresse de portail http(s)
error-plain-http = refus d’utiliser http:// en clair vers `{ $host }` : le jeton circulerait sans chiffrement (utilisez https://, ou --allow-http si vous l’acceptez)
error-http = impossible de préparer HTTP : { $cause }
error-unreachable = le portail ne répond pas : { $cause }
error-no-token = aucun jeton d’API : définissez CKAN_API_TOKEN ou passez --token-file
error-cannot-read = le portail ne reconnaît pas le jeton d’API, ou son utilisateur n’a pas accès à l’organisation `{ $org }` : vérifiez que le jeton est à jour (sans lui, un jeu de données privé paraîtrait absent)
error-cannot-write = le jeton d’API ne permet pas de créer des jeux de données dans l’organisation `{ $org }` : vérifiez que le jeton est à jour et que son utilisateur est éditeur ou administrateur de `{ $org }` sur le portail
error-portal = impossible de lire le portail : { $cause }
error-portal-mismatch = le portail refuserait ou perdrait une partie du contenu de `dist/` ; rien n’a été écrit :
error-list-item = { $list }{"\u000A"}  - { $item }
ckan-error = `{ $action }`{ $status ->
    [none] {""}
   *[other] {" "}(HTTP { $status })
} : { $what }{ $attempts ->
    [0] {""}
    [1] {""}
   *[other] {" "}(après { $attempts } tentatives)
}
ckan-rejected = le portail a refusé { $fields }
ckan-not-authorised = accès refusé : { $message }
ckan-not-found = introuvable
ckan-other = { $kind } : { $message }
ckan-transport = { $message }
mismatch-dataset = jeu de données `{ $dataset }` : { $problem }
mismatch-resource = jeu de données `{ $dataset }`, ressource `{ $resource }` : { $problem }
mismatch-missing = le portail exige `{ $field }`, qui est absent (renseignez-le sous `[dataset]` dans publisher.toml ou plan.toml)
mismatch-not-a-choice = `{ $field }` = `{ $value }` n’est pas accepté par le portail ; valeurs permises : { $allowed }
mismatch-not-an-email = `{ $field }` = `{ $value }` n’est pas une adresse courriel que le portail accepte
mismatch-not-a-natural-number = `{ $field }` = `{ $value }` n’est pas un nombre entier positif ou nul
mismatch-unknown-field = le schéma du portail n’a pas de champ `{ $field }` : il laisserait tomber `{ $value }`, et chaque publication le trouverait modifié (choisissez le profil de ce portail, ou demandez à l’équipe du portail d’ajouter le champ)
mismatch-no-such-organization = l’organisation `{ $value }` n’existe pas sur le portail (comparez `[organization] name` dans publisher.toml avec l’adresse de l’organisation sur le portail)
mismatch-no-such-group = le groupe `{ $value }` n’existe pas sur le portail (comparez `groups` avec la liste des groupes du portail)

diagnostic-totals = { $errors ->
    [one] { $errors } erreur
   *[other] { $errors } erreurs
}, { $warnings ->
    [one] { $warnings } avertissement
   *[other] { $warnings } avertissements
}
cli-check-clean = `{ $path }` : { $plans ->
    [one] { $plans } plan
   *[other] { $plans } plans
}, aucune erreur
cli-wrote = `{ $path }` écrit : { $datasets ->
    [one] { $datasets } jeu de données
   *[other] { $datasets } jeux de données
}, { $files } fichiers, { $bytes } octets
cli-nothing-written = erreur : le catalogue contient des erreurs ; rien n’a été écrit
cli-token-file-readable = avertissement : d’autres utilisateurs peuvent lire le fichier de jeton `{ $path }` (mode { $mode }) ; lancez `chmod 600 { $path }`
cli-debug = débogage : { $line }
trace-attempt = { $action }, essai { $attempt } : { $result } ({ $ms } ms)
trace-ok = réussi
trace-retry = { $action } : nouvel essai dans { $ms } ms
cli-cannot-listen = impossible d’écouter sur 127.0.0.1:{ $port } : { $cause } (choisissez un autre --port)
cli-rebuilt = `{ $path }` reconstruit
cli-serving = aperçu servi à { $url } (Ctrl-C pour arrêter)
plan-dataset = { $name } : { $action ->
    [create] à créer
    [update] à mettre à jour
   *[unchanged] inchangé
}
plan-upload = ~ { $key } : nouveau contenu (téléversement)
plan-datastore-load = ~ { $key } : table du DataStore à créer et à charger (colonnes typées et documentées)
plan-datastore-sync = ~ { $key } : table du DataStore à mettre à jour (lignes modifiées seulement, avant le fichier)
plan-extra = ! { $key } : en trop sur le portail (conservé ; --prune le supprime)
plan-duplicate = - { $key } : seconde copie de notre fichier (supprimée)
plan-totals = { $create } à créer, { $update } à mettre à jour, { $unchanged } inchangés
push-bar-unit = changements
push-action = { $outcome ->
    [ok] ok
    [failed] échec
    [reconciled] rapproché
    [reported] signalé
    [exists] existe
    [stale] périmé
    [unsupported] non pris en charge
   *[other] { $outcome }
} { $dataset } { $action }
push-action-failed = { $action } : { $cause }
push-summary = publication : { $created } créés, { $updated } mis à jour, { $unchanged } inchangés, { $failed } en échec ; { $requests ->
    [one] { $requests } requête
   *[other] { $requests } requêtes
}, { $writes ->
    [one] { $writes } écriture
   *[other] { $writes } écritures
}, { $bytes } octets téléversés
push-dataset-failed = le jeu de données `{ $name }` n’a pas été entièrement publié (voir les lignes ci-dessus)
push-token-refused = le portail a refusé le jeton ; la publication s’est arrêtée (vérifiez CKAN_API_TOKEN)
push-datastore-unreadable = la table n’a pas pu être relue pour le DataStore : { $cause } (refaites « build »)
push-gave-up = abandon après { $tries } essais sans progrès : { $cause }
push-no-results = la réponse n’a pas de liste `results`
dist-bad-json = { $cause }
dist-no-member = pas de `{ $member }`
dist-not-an-object = ce n’est pas un objet JSON
dist-no-resources = pas de liste `resources`
dist-resource-not-an-object = une ressource n’est pas un objet JSON
dist-resource-no-url = une ressource n’a pas d’`url`

# Les pages d’aperçu (src/preview).
preview-site = Aperçu avant publication — ogp-publish
preview-footer = Aperçu généré par ogp-publish à partir du catalogue ; rien n’est encore publié.
preview-index-title = Plans d’action pour un gouvernement ouvert
preview-profile = profil
preview-datasets = jeux de données
preview-datasets-title = Jeux de données
preview-datasets-caption = Un jeu de données par plan d’action
preview-dataset = Jeu de données
preview-plan = Plan
preview-commitments = Engagements
preview-milestones = Jalons
preview-progress = Progression
preview-warnings = Avertissements
preview-push = Publication
preview-warnings-title = Avertissements de validation
preview-warnings-all = { $count ->
    [one] L’avertissement de ce plan
   *[other] Les { $count } avertissements de ce plan
}
preview-warnings-of-code = { $code } : { $count }
preview-errors-title = Le catalogue contient des erreurs
preview-errors-intro = Corrigez-les : l’aperçu sera reconstruit dès l’enregistrement.
preview-breadcrumb = Fil d’Ariane
preview-description = Description
preview-tags = Mots-clés
preview-resources = Données et ressources
preview-progress-title = Progression des engagements
preview-progress-caption = Part des jalons réalisés pour chaque engagement (texte en pourcentage ; « inconnue » quand aucun jalon n’est connu).
preview-timeline-title = Jalons dans le temps
preview-status-caption = Nombre de jalons par statut (chaque statut a sa forme et son libellé).
preview-preview-of = Aperçu de
preview-additional-info = Informations supplémentaires
preview-field = Champ
preview-value = Valeur
preview-diff-title = Ce que « push » changerait sur le portail

## Pages d’aperçu : mots dans le code (src/preview)
# Tailles des fichiers ; {$size} porte déjà sa virgule décimale.
preview-decimal-separator = ,
preview-size-mb = { $size } Mo
preview-size-kb = { $size } ko
preview-size-bytes = { $bytes ->
    [one] { $bytes } octet
   *[other] { $bytes } octets
}
# Le tableau des métadonnées.
preview-organization = Organisation
preview-main-organization = Organisation principale
preview-update-frequency = Fréquence de mise à jour
preview-frequency = { $code ->
    [irregular] Irrégulière
    [continuous] En continu
    [hourly] Aux heures
    [daily] Quotidienne
    [weekly] Hebdomadaire
    [monthly] Mensuelle
    [quarterly] Trimestrielle
    [semiannual] Semestrielle
    [annual] Annuelle
    [biennial] Aux deux ans
    [triennial] Aux trois ans
    [notPlanned] Non planifiée
    [asNeeded] Au besoin
    [quinquennial] Aux cinq ans
   *[other] { $code }
}
preview-spatial-coverage = Couverture géographique
preview-temporal-coverage = Couverture temporelle
preview-language = Langue
preview-language-value = { $code ->
    [FR] Français
    [EN] Anglais
    [FR_EN] Français et anglais
   *[other] { $code }
}
preview-license = Licence
preview-author = Auteur
preview-author-email = Courriel de l’auteur
preview-maintainer = Responsable
preview-maintainer-email = Courriel du responsable
preview-website = Site web
preview-name-url = Nom (adresse)
preview-accepted-gaps = Lacunes acceptées (règles à « allow »)
preview-visibility = Visibilité
preview-private = Privé
preview-public = Public
preview-methodology = Méthodologie
# Les ressources et les aperçus des tableaux.
preview-kind-data = Données
preview-kind-documentation = Documentation
preview-table-summary = { $shown ->
    [one] { $shown } ligne
   *[other] { $shown } lignes
} sur { $total } au total.
# Ce que « push » changerait.
preview-diff-create = Nouveau jeu de données : il serait créé avec toutes ses ressources.
preview-diff-update = Le jeu de données existe ; ces changements seraient envoyés :
preview-diff-unchanged = Le portail est à jour : rien ne serait écrit.
preview-diff-metadata = Métadonnées modifiées : { $fields }
preview-diff-file-new = Fichier à téléverser (nouveau) : { $key }
preview-diff-file-changed = Fichier à téléverser (contenu modifié) : { $key }
preview-diff-resource-changed = Ressource modifiée : { $key } ({ $fields })
preview-diff-duplicate = Copie en double de notre fichier (supprimée) : { $key }
preview-diff-extra = Ressource en trop sur le portail (conservée sans --prune) : { $key }
preview-diff-summary-create = à créer
preview-diff-summary-unchanged = à jour
preview-diff-summary-update = à mettre à jour ({ $fields ->
    [one] { $fields } champ
   *[other] { $fields } champs
}, { $files ->
    [one] { $files } fichier
   *[other] { $files } fichiers
})
# Les graphiques (src/preview/charts.rs) ; les nombres de $completed et $total s’écrivent sans espace.
preview-status-unknown = Statut inconnu
preview-percent = { $completed }/{ $total } — { $percent } %
preview-percent-unknown = inconnue
preview-milestones-completed = Jalons réalisés
preview-statuses-title = Jalons par statut
preview-timeline-empty = Aucun jalon daté dans les sources.
preview-timeline-caption = { $dated ->
    [one] { $dated } jalon placé
   *[other] { $dated } jalons placés
} par échéance (ou date de réalisation) ; { $undated ->
    [one] { $undated } jalon sans date ne figure pas
   *[other] { $undated } jalons sans date ne figurent pas
} sur l’axe.
preview-timeline-grouped-caption = { $dated ->
    [one] { $dated } jalon placé par échéance (ou date de réalisation), regroupé
   *[other] { $dated } jalons placés par échéance (ou date de réalisation), regroupés
} par statut et par { $quarters ->
    [1] trimestre
   *[other] périodes de { $quarters } trimestres
} ; { $undated ->
    [one] { $undated } jalon sans date ne figure pas
   *[other] { $undated } jalons sans date ne figurent pas
} sur l’axe.
# Un trimestre (2022-T1) et un nombre de jalons dans une période.
preview-quarter = { $year }-T{ $quarter }
preview-count-in = { $count } en { $period }
