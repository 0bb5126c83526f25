//! Every message of the citizen pages, in French, English and Dutch. Grouped by page; a `{name}`
//! is filled by `Text::with`. FranceConnect's own button wording ("S’identifier avec
//! FranceConnect", "Qu’est-ce que FranceConnect ?") is not here: it may not be changed, so it stays
//! French on every page and is marked `lang="fr"`.

use super::Text;

macro_rules! text {
    ($name:ident, $fr:expr, $en:expr, $nl:expr $(,)?) => {
        pub const $name: Text = Text {
            fr: $fr,
            en: $en,
            nl: $nl,
        };
    };
}

// ── Frame ──────────────────────────────────────────────────────────────────────────────────────
text!(
    SKIP_LINK,
    "Aller au contenu",
    "Skip to content",
    "Naar de inhoud"
);
text!(
    TAGLINE,
    "Démarches en ligne",
    "Online services",
    "Online aanvragen"
);
text!(
    DEMO_BANNER,
    "Démonstration : l'identité est fournie par un fournisseur de test, aucune donnée réelle.",
    "Demonstration: the identity comes from a test provider, no real data.",
    "Demonstratie: de identiteit komt van een testleverancier, geen echte gegevens.",
);
text!(
    FOOTER,
    "Service proposé avec i-CLEFS – identité certifiée par l'État.",
    "Service provided with i-CLEFS – identity certified by the State.",
    "Dienst aangeboden met i-CLEFS – identiteit gecertificeerd door de overheid.",
);
text!(LANGUAGE, "Langue", "Language", "Taal");

// ── Service page ───────────────────────────────────────────────────────────────────────────────
text!(
    LOGIN_FAILED_TITLE,
    "La connexion n'a pas abouti",
    "The login did not complete",
    "De aanmelding is niet gelukt",
);
text!(
    LOGIN_RETRY,
    "Vous pouvez réessayer avec le bouton ci-dessous.",
    "You can try again with the button below.",
    "U kunt het opnieuw proberen met de knop hieronder.",
);
text!(
    CLOSED_TITLE,
    "Ce service est fermé",
    "This service is closed",
    "Deze dienst is gesloten"
);
text!(
    CLOSED_TEXT,
    "Il n'accepte plus de nouvelles demandes. Pour toute question, contactez la mairie : ",
    "It no longer accepts new requests. For any question, contact the town hall: ",
    "Er kunnen geen nieuwe aanvragen meer worden ingediend. Neem voor vragen contact op met het gemeentehuis: ",
);
text!(
    LOGIN_NOT_CONFIGURED,
    "La connexion par {provider} n'est pas encore activée pour cette commune.",
    "Login with {provider} is not yet enabled for this municipality.",
    "Aanmelden met {provider} is nog niet geactiveerd voor deze gemeente.",
);
text!(
    START_TITLE,
    "Commencer la démarche",
    "Start your request",
    "Uw aanvraag starten"
);
text!(
    START_TEXT,
    "Identifiez-vous avec {provider} : votre identité sera remplie et certifiée automatiquement.",
    "Identify yourself with {provider}: your identity will be filled in and certified automatically.",
    "Meld u aan met {provider}: uw identiteit wordt automatisch ingevuld en gecertificeerd.",
);
text!(
    CONTINUE_REQUEST,
    "Continuer ma demande",
    "Continue my request",
    "Mijn aanvraag voortzetten"
);
text!(OR, "ou", "or", "of");
text!(
    CSAM_BUTTON,
    "Se connecter avec eID ou itsme (CSAM)",
    "Log in with eID or itsme (CSAM)",
    "Aanmelden met eID of itsme (CSAM)",
);
text!(
    CSAM_HELP,
    "Qu’est-ce que CSAM ?",
    "What is CSAM?",
    "Wat is CSAM?"
);
text!(
    NEW_WINDOW,
    "nouvelle fenêtre",
    "new window",
    "nieuw venster"
);
text!(
    DATA_TITLE,
    "Données utilisées",
    "Data used",
    "Gebruikte gegevens"
);
text!(
    DATA_INTRO,
    "Pour ce service, la commune reçoit de {provider} uniquement :",
    "For this service, the municipality receives from {provider} only:",
    "Voor deze dienst ontvangt de gemeente van {provider} alleen:",
);
text!(
    PRIVACY,
    "Responsable du traitement : {municipality}. Vos données servent uniquement à traiter votre demande. Pour exercer vos droits (accès, rectification, effacement), écrivez à ",
    "Data controller: {municipality}. Your data is used only to handle your request. To exercise your rights (access, rectification, erasure), write to ",
    "Verwerkingsverantwoordelijke: {municipality}. Uw gegevens worden alleen gebruikt om uw aanvraag te behandelen. Om uw rechten uit te oefenen (inzage, verbetering, wissing), schrijft u naar ",
);
text!(
    DPO_LINE,
    "Délégué à la protection des données : ",
    "Data protection officer: ",
    "Functionaris voor gegevensbescherming: ",
);
text!(
    RETENTION_LINE,
    "Votre demande est conservée {months} mois après son traitement, puis effacée.",
    "Your request is kept for {months} months after it has been handled, then erased.",
    "Uw aanvraag wordt {months} maanden na de behandeling bewaard en daarna gewist.",
);
text!(
    PURPOSE_LINE,
    "Finalité : traiter votre demande « {title} ». Seules les données listées ci-dessus et vos réponses sont transmises à la commune.",
    "Purpose: handling your request “{title}”. Only the data listed above and your answers are sent to the municipality.",
    "Doel: uw aanvraag “{title}” behandelen. Alleen de hierboven vermelde gegevens en uw antwoorden worden aan de gemeente bezorgd.",
);

// ── Identity block ─────────────────────────────────────────────────────────────────────────────
text!(
    IDENTITY_TITLE,
    "Votre identité",
    "Your identity",
    "Uw identiteit"
);
text!(
    CERTIFIED_BY,
    "Certifié par {provider}",
    "Certified by {provider}",
    "Gecertificeerd door {provider}"
);
text!(
    IDENTITY_LOCKED,
    "Ces informations sont certifiées par {provider} et ne peuvent pas être modifiées ici.",
    "This information is certified by {provider} and cannot be changed here.",
    "Deze gegevens zijn gecertificeerd door {provider} en kunnen hier niet worden gewijzigd.",
);

// ── Form ───────────────────────────────────────────────────────────────────────────────────────
text!(
    STEP_FORM,
    "Étape 1 sur 2 – Votre demande",
    "Step 1 of 2 – Your request",
    "Stap 1 van 2 – Uw aanvraag"
);
text!(
    ERROR_TITLE_PREFIX,
    "Erreur – {title}",
    "Error – {title}",
    "Fout – {title}"
);
text!(
    REQUIRED_HINT,
    "Les champs marqués d'un astérisque (*) sont obligatoires.",
    "Fields marked with an asterisk (*) are required.",
    "Velden met een sterretje (*) zijn verplicht.",
);
text!(CONTINUE, "Continuer", "Continue", "Doorgaan");
text!(
    ERROR_SUMMARY,
    "Le formulaire contient des erreurs",
    "There is a problem with your answers",
    "Het formulier bevat fouten",
);
text!(YES, "Oui", "Yes", "Ja");
text!(NO, "Non", "No", "Nee");

// ── Recap ──────────────────────────────────────────────────────────────────────────────────────
text!(
    RECAP_TITLE,
    "Vérification – {title}",
    "Check – {title}",
    "Controle – {title}"
);
text!(
    STEP_RECAP,
    "Étape 2 sur 2 – Vérification",
    "Step 2 of 2 – Check",
    "Stap 2 van 2 – Controle"
);
text!(
    RECAP_HEADING,
    "Vérifiez votre demande",
    "Check your request",
    "Controleer uw aanvraag"
);
text!(
    YOUR_ANSWERS,
    "Vos réponses",
    "Your answers",
    "Uw antwoorden"
);
text!(EDIT, "Modifier", "Change", "Wijzigen");
text!(
    SEND,
    "Envoyer ma demande",
    "Send my request",
    "Mijn aanvraag versturen"
);
text!(DISCARD, "Abandonner", "Stop", "Stoppen");
text!(
    DISCARD_HINT,
    "« Abandonner » efface vos réponses : rien ne sera envoyé à la mairie.",
    "“Stop” erases your answers: nothing will be sent to the town hall.",
    "“Stoppen” wist uw antwoorden: er wordt niets naar het gemeentehuis gestuurd.",
);

// ── Confirmation and logout ───────────────────────────────────────────────────────────────────
text!(
    SENT_TITLE,
    "Demande envoyée – {title}",
    "Request sent – {title}",
    "Aanvraag verstuurd – {title}"
);
text!(
    SENT_HEADING,
    "Demande envoyée",
    "Request sent",
    "Aanvraag verstuurd"
);
text!(
    SENT_TEXT,
    "{municipality} a bien reçu votre demande « {title} ».",
    "{municipality} has received your request “{title}”.",
    "{municipality} heeft uw aanvraag “{title}” goed ontvangen.",
);
text!(
    YOUR_REFERENCE,
    "Votre référence : ",
    "Your reference: ",
    "Uw referentie: "
);
text!(
    RECEIPT_SENT,
    "Un accusé de réception vous est envoyé à l'adresse {email}.",
    "A confirmation is being sent to {email}.",
    "Een ontvangstbevestiging wordt verstuurd naar {email}.",
);
text!(
    KEEP_REFERENCE,
    "Notez cette référence : elle vous sera demandée pour tout échange avec la mairie.",
    "Keep this reference: you will be asked for it in any exchange with the town hall.",
    "Noteer deze referentie: ze wordt gevraagd bij elk contact met het gemeentehuis.",
);
text!(
    RECEIPT_LINK,
    "Télécharger le récépissé (PDF)",
    "Download the receipt (PDF)",
    "Het ontvangstbewijs downloaden (PDF)",
);
text!(
    RECEIPT_TITLE,
    "Récépissé de dépôt",
    "Receipt",
    "Ontvangstbewijs"
);
text!(
    RECEIPT_SENT_ON,
    "Demande déposée le {date}",
    "Request sent on {date}",
    "Aanvraag ingediend op {date}",
);
text!(
    RECEIPT_REFERENCE,
    "Référence : {reference}",
    "Reference: {reference}",
    "Referentie: {reference}",
);
text!(
    RECEIPT_FOOTER,
    "Document établi par i-CLEFS pour {municipality}. Conservez-le : la référence vous sera demandée.",
    "Document issued by i-CLEFS for {municipality}. Keep it: you will be asked for the reference.",
    "Document opgesteld door i-CLEFS voor {municipality}. Bewaar het: de referentie wordt u gevraagd.",
);
text!(
    LOGOUT_FROM,
    "Se déconnecter de {provider}",
    "Log out of {provider}",
    "Afmelden bij {provider}"
);
text!(LOGGED_OUT_TITLE, "Déconnexion", "Logged out", "Afgemeld");
text!(
    LOGGED_OUT_HEADING,
    "Vous êtes déconnecté",
    "You are logged out",
    "U bent afgemeld"
);
text!(
    LOGGED_OUT_TEXT,
    "Votre session d'identification est terminée sur ce service. Vous pouvez fermer cette page.",
    "Your identification session on this service has ended. You can close this page.",
    "Uw identificatiesessie voor deze dienst is beëindigd. U kunt deze pagina sluiten.",
);
text!(
    DUPLICATE_SEND,
    "Cette demande a déjà été envoyée (référence {reference}) : elle n'a pas été enregistrée une seconde fois.",
    "This request was already sent (reference {reference}): it was not recorded a second time.",
    "Deze aanvraag werd al verstuurd (referentie {reference}): ze werd geen tweede keer geregistreerd.",
);
text!(
    DISCARDED,
    "Votre demande a été abandonnée : vos réponses ont été effacées et rien n'a été envoyé.",
    "Your request was stopped: your answers were erased and nothing was sent.",
    "Uw aanvraag werd stopgezet: uw antwoorden zijn gewist en er is niets verstuurd.",
);
text!(
    FORM_HAS_ERRORS,
    "Le formulaire contient {count} erreur(s) : corrigez-les avant l'envoi.",
    "The form has {count} error(s): correct them before sending.",
    "Het formulier bevat {count} fout(en): verbeter ze vóór het versturen.",
);
text!(
    NO_DRAFT,
    "Aucune demande en cours : remplissez d'abord le formulaire.",
    "No request in progress: fill in the form first.",
    "Geen lopende aanvraag: vul eerst het formulier in.",
);
text!(
    CLOSED_NOTICE,
    "Ce service est fermé : il n'accepte plus de nouvelles demandes. Contactez la mairie pour toute question.",
    "This service is closed: it no longer accepts new requests. Contact the town hall for any question.",
    "Deze dienst is gesloten: er kunnen geen nieuwe aanvragen meer worden ingediend. Neem voor vragen contact op met het gemeentehuis.",
);
text!(
    HOME,
    "Retour à l'accueil",
    "Back to the home page",
    "Terug naar de startpagina"
);

// ── Identity values ────────────────────────────────────────────────────────────────────────────
text!(
    FAMILY_NAME,
    "Nom de naissance",
    "Birth name",
    "Geboortenaam"
);
text!(GIVEN_NAME, "Prénoms", "Given names", "Voornamen");
text!(
    BIRTHDATE,
    "Date de naissance",
    "Date of birth",
    "Geboortedatum"
);
text!(GENDER, "Sexe", "Sex", "Geslacht");
text!(
    BIRTHPLACE,
    "Lieu de naissance",
    "Place of birth",
    "Geboorteplaats"
);
text!(
    BIRTHCOUNTRY,
    "Pays de naissance",
    "Country of birth",
    "Geboorteland"
);
text!(USAGE_NAME, "Nom d'usage", "Name in use", "Gebruiksnaam");
text!(
    EMAIL,
    "Adresse électronique",
    "Email address",
    "E-mailadres"
);
text!(MALE, "Masculin", "Male", "Mannelijk");
text!(FEMALE, "Féminin", "Female", "Vrouwelijk");
text!(UNSPECIFIED, "Non précisé", "Not specified", "Niet vermeld");
text!(
    BORN_ABROAD,
    "Né(e) à l'étranger",
    "Born abroad",
    "Geboren in het buitenland"
);
text!(NONE, "Aucun", "None", "Geen");
text!(
    NOT_PROVIDED,
    "Non communiqué",
    "Not provided",
    "Niet meegedeeld"
);
text!(
    NOT_ANSWERED,
    "Non renseigné",
    "Not answered",
    "Niet ingevuld"
);

// ── Answer errors ──────────────────────────────────────────────────────────────────────────────
text!(
    REQUIRED,
    "Ce champ est obligatoire.",
    "This field is required.",
    "Dit veld is verplicht."
);
text!(
    TOO_LONG,
    "{max} caractères au plus.",
    "{max} characters at most.",
    "Hoogstens {max} tekens.",
);
text!(
    ONE_LINE,
    "Ce champ tient sur une seule ligne.",
    "This field fits on one line.",
    "Dit veld past op één regel.",
);
text!(
    BAD_EMAIL,
    "Saisissez une adresse électronique valide, par exemple nom@exemple.fr.",
    "Enter a valid email address, for example name@example.org.",
    "Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.be.",
);
text!(
    BAD_NUMBER,
    "Saisissez un nombre, par exemple 12 ou 3,5.",
    "Enter a number, for example 12 or 3.5.",
    "Vul een getal in, bijvoorbeeld 12 of 3,5.",
);
text!(
    BAD_DATE,
    "Saisissez une date valide (jj/mm/aaaa).",
    "Enter a valid date (dd/mm/yyyy).",
    "Vul een geldige datum in (dd/mm/jjjj).",
);
text!(
    BAD_CHOICE,
    "Choisissez une des options proposées.",
    "Choose one of the options offered.",
    "Kies een van de voorgestelde opties.",
);
text!(
    BAD_YES_NO,
    "Répondez par oui ou par non.",
    "Answer yes or no.",
    "Antwoord met ja of nee.",
);
text!(
    BAD_PHONE,
    "Saisissez un numéro de téléphone français ou belge, par exemple 06 12 34 56 78 ou +32 470 12 34 56.",
    "Enter a French or Belgian phone number, for example 06 12 34 56 78 or +32 470 12 34 56.",
    "Vul een Frans of Belgisch telefoonnummer in, bijvoorbeeld 0470 12 34 56 of +33 6 12 34 56 78.",
);
text!(
    BAD_COMMUNE,
    "Commune inconnue : saisissez son nom exact ou son code officiel INSEE (5 caractères, par exemple 75107).",
    "Unknown municipality: type its exact name or its official INSEE code (5 characters, for example 75107).",
    "Onbekende gemeente: vul de exacte naam of de officiële INSEE-code in (5 tekens, bijvoorbeeld 75107).",
);
text!(
    AMBIGUOUS_COMMUNE,
    "Plusieurs communes portent ce nom : saisissez son code officiel INSEE (5 caractères).",
    "Several municipalities have this name: type its official INSEE code (5 characters).",
    "Meerdere gemeenten dragen deze naam: vul de officiële INSEE-code in (5 tekens).",
);
text!(
    COMMUNE_HINT,
    "Nom de la commune, ou son code officiel INSEE.",
    "Name of the municipality, or its official INSEE code.",
    "Naam van de gemeente, of de officiële INSEE-code.",
);

// ── Login errors ───────────────────────────────────────────────────────────────────────────────
text!(
    IDP_UNAVAILABLE,
    "Le service d'identification ne répond pas pour le moment. Réessayez dans quelques minutes.",
    "The identification service is not answering at the moment. Try again in a few minutes.",
    "De identificatiedienst antwoordt momenteel niet. Probeer het over enkele minuten opnieuw.",
);
text!(
    IDP_DENIED,
    "La connexion a été annulée. Vous pouvez réessayer quand vous le souhaitez.",
    "The login was cancelled. You can try again whenever you wish.",
    "De aanmelding werd geannuleerd. U kunt het opnieuw proberen wanneer u wilt.",
);
text!(
    IDP_BAD_STATE,
    "Cette tentative de connexion a expiré ou n'a pas été lancée depuis ce navigateur. Recommencez la connexion.",
    "This login attempt has expired or was not started from this browser. Start the login again.",
    "Deze aanmeldpoging is verlopen of werd niet vanuit deze browser gestart. Meld u opnieuw aan.",
);
text!(
    IDP_REFUSED,
    "Votre identité n'a pas pu être vérifiée. Aucune donnée n'a été enregistrée ; recommencez la connexion.",
    "Your identity could not be verified. No data was recorded; start the login again.",
    "Uw identiteit kon niet worden geverifieerd. Er werden geen gegevens geregistreerd; meld u opnieuw aan.",
);
text!(
    IDP_NOT_CONFIGURED,
    "Cette commune n'a pas encore activé la connexion en ligne.",
    "This municipality has not enabled online login yet.",
    "Deze gemeente heeft de online aanmelding nog niet geactiveerd.",
);

// ── Error pages ────────────────────────────────────────────────────────────────────────────────
text!(
    NOT_FOUND,
    "Page introuvable",
    "Page not found",
    "Pagina niet gevonden"
);
text!(ERROR, "Erreur", "Error", "Fout");
text!(
    BELOW_MIN,
    "Saisissez un nombre supérieur ou égal à {min}.",
    "Enter a number greater than or equal to {min}.",
    "Vul een getal groter dan of gelijk aan {min} in.",
);
text!(
    ABOVE_MAX,
    "Saisissez un nombre inférieur ou égal à {max}.",
    "Enter a number less than or equal to {max}.",
    "Vul een getal kleiner dan of gelijk aan {max} in.",
);
text!(
    NOT_INTEGER,
    "Saisissez un nombre entier, sans virgule.",
    "Enter a whole number, without decimals.",
    "Vul een geheel getal in, zonder komma.",
);
text!(
    DATE_TOO_EARLY,
    "Saisissez une date à partir du {date}.",
    "Enter a date on or after {date}.",
    "Vul een datum in vanaf {date}.",
);
text!(
    DATE_TOO_LATE,
    "Saisissez une date jusqu'au {date} au plus tard.",
    "Enter a date on or before {date}.",
    "Vul een datum in tot en met {date}.",
);
text!(
    DATE_IN_FUTURE,
    "La date ne peut pas être dans le futur.",
    "The date cannot be in the future.",
    "De datum mag niet in de toekomst liggen.",
);
text!(
    TOO_FEW_CHOICES,
    "Cochez au moins {min} réponses.",
    "Tick at least {min} answers.",
    "Vink minstens {min} antwoorden aan.",
);
text!(
    TOO_MANY_CHOICES,
    "Cochez au plus {max} réponses.",
    "Tick at most {max} answers.",
    "Vink hoogstens {max} antwoorden aan.",
);
text!(
    CONDITION_HINT,
    "À remplir seulement si : {condition}.",
    "Only if: {condition}.",
    "Alleen in te vullen als: {condition}.",
);
text!(CONDITION_AND, " et ", " and ", " en ",);
text!(CONDITION_OR, " ou ", " or ", " of ",);
text!(
    OP_EQUALS,
    "vous avez répondu « {value} » à « {question} »",
    "you answered \"{value}\" to \"{question}\"",
    "u \"{value}\" antwoordde op \"{question}\"",
);
text!(
    OP_NOT_EQUALS,
    "vous n'avez pas répondu « {value} » à « {question} »",
    "you did not answer \"{value}\" to \"{question}\"",
    "u niet \"{value}\" antwoordde op \"{question}\"",
);
text!(
    OP_GREATER,
    "votre réponse à « {question} » est supérieure à {value}",
    "your answer to \"{question}\" is greater than {value}",
    "uw antwoord op \"{question}\" groter is dan {value}",
);
text!(
    OP_LESS,
    "votre réponse à « {question} » est inférieure à {value}",
    "your answer to \"{question}\" is less than {value}",
    "uw antwoord op \"{question}\" kleiner is dan {value}",
);
text!(
    OP_CONTAINS,
    "votre réponse à « {question} » contient « {value} »",
    "your answer to \"{question}\" contains \"{value}\"",
    "uw antwoord op \"{question}\" \"{value}\" bevat",
);
text!(
    OP_EMPTY,
    "vous n'avez pas répondu à « {question} »",
    "you did not answer \"{question}\"",
    "u \"{question}\" niet beantwoordde",
);
text!(
    OP_NOT_EMPTY,
    "vous avez répondu à « {question} »",
    "you answered \"{question}\"",
    "u \"{question}\" beantwoordde",
);
text!(
    BAD_ADDRESS,
    "Indiquez le numéro et la voie, le code postal et la commune.",
    "Enter the street and number, the postcode and the town.",
    "Vul de straat en het huisnummer, de postcode en de gemeente in.",
);
text!(
    BAD_POSTCODE,
    "Saisissez un code postal français de 5 chiffres, par exemple 75002.",
    "Enter a 5-digit French postcode, for example 75002.",
    "Vul een Franse postcode van 5 cijfers in, bijvoorbeeld 75002.",
);
text!(
    ADDRESS_STREET,
    "Numéro et voie",
    "Number and street",
    "Huisnummer en straat",
);
text!(
    ADDRESS_COMPLEMENT,
    "Complément d'adresse (facultatif)",
    "Address line 2 (optional)",
    "Aanvullend adres (optioneel)",
);
text!(ADDRESS_POSTCODE, "Code postal", "Postcode", "Postcode",);
text!(ADDRESS_CITY, "Commune", "Town", "Gemeente",);
text!(
    FILE_MISSING,
    "Joignez le fichier demandé.",
    "Attach the requested file.",
    "Voeg het gevraagde bestand toe.",
);
text!(
    FILE_TOO_BIG,
    "Le fichier dépasse {max} Mo : réduisez-le (par exemple en le scannant en noir et blanc) ou choisissez-en un autre.",
    "The file is larger than {max} MB: make it smaller (for example by scanning it in black and white) or choose another one.",
    "Het bestand is groter dan {max} MB: maak het kleiner (bijvoorbeeld door het in zwart-wit te scannen) of kies een ander.",
);
text!(
    FILE_BAD_TYPE,
    "Seuls les fichiers PDF, JPEG et PNG sont acceptés.",
    "Only PDF, JPEG and PNG files are accepted.",
    "Alleen PDF-, JPEG- en PNG-bestanden worden aanvaard.",
);
text!(
    FILE_INFECTED,
    "Ce fichier a été refusé par l'antivirus de la mairie. Choisissez-en un autre.",
    "This file was refused by the town hall's antivirus. Choose another one.",
    "Dit bestand werd geweigerd door de antivirus van het gemeentehuis. Kies een ander.",
);
text!(
    FILE_SCAN_UNAVAILABLE,
    "Le fichier n'a pas pu être vérifié par l'antivirus pour l'instant. Réessayez dans quelques minutes ; vos autres réponses sont enregistrées.",
    "The file could not be checked by the antivirus right now. Try again in a few minutes; your other answers are saved.",
    "Het bestand kon nu niet door de antivirus worden gecontroleerd. Probeer het over enkele minuten opnieuw; uw andere antwoorden zijn bewaard.",
);
text!(
    FILE_HINT,
    "PDF, JPEG ou PNG, {max} Mo au plus.",
    "PDF, JPEG or PNG, {max} MB at most.",
    "PDF, JPEG of PNG, hoogstens {max} MB.",
);
text!(
    FILE_ATTACHED,
    "Fichier joint : {file}. Choisissez un autre fichier pour le remplacer.",
    "Attached: {file}. Choose another file to replace it.",
    "Bijgevoegd: {file}. Kies een ander bestand om het te vervangen.",
);
text!(CHOOSE, "— Choisir —", "— Choose —", "— Kiezen —",);
