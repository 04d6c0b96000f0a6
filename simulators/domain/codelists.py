"""Code lists shared by the population generator and the simulators' validators.

Every list is a plain ``dict[str, str]`` mapping code -> title, so a validator can test membership
and an API can show the title. Provenance is noted per list; entries marked UNCONFIRMED come from
general domain knowledge rather than a primary source (see docs/domain.md) and should be
treated as this range's convention, not a national standard.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "CJS_OFFENCES",
    "CJS_OFFENCES_UNCONFIRMED",
    "CLASSIFICATIONS_ALL",
    "DETENTION_OUTCOMES",
    "ETHNICITY_16_PLUS_1",
    "ETHNICITY_18_PLUS_1",
    "ETHNICITY_OFFICER_DEFINED",
    "ETHNICITY_SELF_DEFINED_ALL",
    "GPMS_MARKINGS",
    "GRADING_3X5X2_HANDLING",
    "GRADING_3X5X2_INTELLIGENCE",
    "GRADING_3X5X2_SOURCE",
    "GRADING_5X5X5_HANDLING",
    "GRADING_5X5X5_INTELLIGENCE",
    "GRADING_5X5X5_SOURCE",
    "GRADING_SCHEMES",
    "GSC_CLASSIFICATIONS",
    "HOCR_CLASSIFICATIONS",
    "INCIDENT_CATEGORIES",
    "INTELLIGENCE_SOURCE_TYPES",
    "INTELLIGENCE_SUBJECT_ROLES",
    "LINK_ROLES",
    "OCCURRENCE_STATUSES",
    "OCCURRENCE_TYPES",
    "OFFICER_RANKS",
    "OUTCOMES",
    "SEXES",
    "WARNING_MARKERS",
]

# ----------------------------------------------------------------------------------------- crime

#: Home Office Counting Rules notifiable offence classifications (code -> title).
#: Source: HOCR classification lists (April 2010 VAP list; ONS/Home Office offence-code hierarchy used
#: for police recorded crime tables). HOCR writes sub-classes as "4/1"; ONS tables write "4.1"; this
#: list uses the HOCR slash form. Codes and titles below were found in those lists unless marked.
HOCR_CLASSIFICATIONS: Final[dict[str, str]] = {
    # Violence against the person
    "1": "Murder",
    "2": "Attempted murder",
    "3A": "Conspiracy to murder",
    "3B": "Threats to kill",
    "4/1": "Manslaughter",
    "4/2": "Infanticide",
    "4/4": "Causing death by dangerous driving",
    "4/10": "Corporate manslaughter",
    "5D": "Assault with intent to cause serious harm",
    "5E": "Endangering life",
    "8L": "Harassment",
    "8M": "Racially or religiously aggravated harassment",
    "8N": "Assault with injury",
    "8P": "Racially or religiously aggravated assault with injury",
    "8Q": "Stalking",
    "8S": "Assault with injury on a constable",
    "11A": "Cruelty to children/young persons",
    "13": "Child abduction",
    "36": "Kidnapping",
    "104": "Assault without injury on a constable",
    "105A": "Assault without injury",
    "105B": "Racially or religiously aggravated assault without injury",
    "106": "Modern slavery",
    # Public order
    "9A": "Public fear, alarm or distress",
    "9B": "Racially or religiously aggravated public fear, alarm or distress",
    "62A": "Violent disorder",
    "66": "Other offences against the State or public order",
    # Possession of weapons
    "10A": "Possession of firearms with intent",
    "10B": "Possession of firearms offences",
    "10C": "Possession of other weapons",
    "10D": "Possession of article with blade or point",
    "81": "Other firearms offences",
    # Robbery
    "34A": "Robbery of business property",
    "34B": "Robbery of personal property",
    # Burglary (residential/business classes from April 2017)
    "28E": "Burglary - residential",
    "28F": "Attempted burglary - residential",
    "28G": "Distraction burglary - residential",
    "28H": "Attempted distraction burglary - residential",
    "29A": "Aggravated burglary - residential",
    "30C": "Burglary - business and community",
    "30D": "Attempted burglary - business and community",
    "31A": "Aggravated burglary - business and community",
    # Vehicle offences and theft
    "37/2": "Aggravated vehicle taking",
    "39": "Theft from the person",
    "40": "Theft in a dwelling other than from an automatic machine or meter",
    "41": "Theft by an employee",
    "44": "Theft or unauthorised taking of a pedal cycle",
    "45": "Theft from a vehicle",
    "46": "Shoplifting",
    "47": "Theft from automatic machine or meter",
    "48": "Theft or unauthorised taking of a motor vehicle",
    "49": "Other theft",
    "49A": "Making off without payment",
    "54": "Handling stolen goods",
    "126": "Interfering with a motor vehicle",
    # Arson and criminal damage
    "56A": "Arson endangering life",
    "56B": "Arson not endangering life",
    "58A": "Criminal damage to a dwelling",
    "58B": "Criminal damage to a building other than a dwelling",
    "58C": "Criminal damage to a vehicle",
    "58D": "Other criminal damage",
    "58J": "Racially or religiously aggravated criminal damage",
    "59": "Threat or possession with intent to commit criminal damage",
    # Drug offences
    "92A": "Trafficking in controlled drugs",
    "92C": "Other drug offences",
    "92D": "Possession of controlled drugs (excluding cannabis)",
    "92E": "Possession of controlled drugs (cannabis)",
    # Miscellaneous crimes against society
    "33": "Going equipped for stealing, etc.",
    "33A": "Making, supplying or possessing articles for use in fraud",
    "80": "Absconding from lawful custody",
    "83": "Bail offences",
    "99": "Other notifiable offences",
    "802": "Dangerous driving",
}

#: CJS offence codes (PNLD CJS Offence Index) used on custody records: code -> offence title.
#: Each code was seen with this meaning in MoJ/HMCTS public code or test data (Bichard7, court
#: case service, manage-offences); titles are abridged from the index wording.
CJS_OFFENCES: Final[dict[str, str]] = {
    "CD71039": "Destroy or damage property (value of damage £5000 or less)",
    "CJ67002": "Drunk and disorderly in a public place",
    "CJ88001": "Common assault",
    "CJ88116": "Assault by beating",
    "CJ88144": "Possess knife blade / sharp pointed article in a public place",
    "MD71230": "Possess with intent to supply a controlled drug of Class A - cocaine",
    "MD71530": "Possess a controlled drug of Class B - cannabis / cannabis resin",
    "OF61016": "Wounding with intent to do grievous bodily harm (s.18)",
    "OF61102": "Assault occasioning actual bodily harm (s.47)",
    "OF61131": "Wound / inflict grievous bodily harm without intent (s.20)",
    "PH97004": "Harassment without violence",
    "PU86003": "Affray",
    "PU86004": "Use threatening / abusive / insulting words or behaviour with intent to cause fear of or "
    "provoke unlawful violence",
    "PU86116": "Use threatening / abusive / insulting words or behaviour with intent to cause harassment, "
    "alarm or distress",
    "RT88007": "Drive motor vehicle with alcohol level above limit",
    "RT88191": "Use a motor vehicle on a road / public place without third party insurance",
    "RT88333": "Drive whilst disqualified",
    "TH68007": "Theft from a motor vehicle",
    "TH68010": "Theft from a shop",
    "TH68036": "Burglary dwelling and theft - no violence",
    "TH68050": "Take a motor vehicle without the owner's consent",
}

#: Codes quoted in public glossaries whose meaning this range could not confirm; accepted nowhere by default.
#: UNCONFIRMED (docs/domain.md 4.4): the CJS offence code glossary gives MD71101 as "Misuse of Drugs
#: Act 1971, class B cannabis", but MoJ data uses MD71530 for possession of cannabis; MD71101 is kept
#: here for reference only.
CJS_OFFENCES_UNCONFIRMED: Final[dict[str, str]] = {
    "MD71101": "Misuse of Drugs Act 1971 offence (class B cannabis per a public glossary; UNCONFIRMED)",
}

#: Incident categories for non-crime occurrences. Force-local convention of this range, loosely after
#: the National Standard for Incident Recording groups (public safety/welfare, ASB, transport).
#: UNCONFIRMED as national codes; the three ASB categories (personal, nuisance, environmental) are NSIR's.
INCIDENT_CATEGORIES: Final[dict[str, str]] = {
    "ASB-PERSONAL": "Anti-social behaviour - personal",
    "ASB-NUISANCE": "Anti-social behaviour - nuisance",
    "ASB-ENVIRONMENTAL": "Anti-social behaviour - environmental",
    "PSW-CONCERN": "Concern for safety or welfare",
    "PSW-MISSING": "Missing person",
    "PSW-SUSPICIOUS": "Suspicious circumstances",
    "PSW-DOMESTIC": "Domestic incident (non-crime)",
    "PSW-LOST-FOUND": "Lost or found property",
    "TRA-RTC-DAMAGE": "Road traffic collision - damage only",
}

#: Crime outcomes framework (April 2013). Numbering UNCONFIRMED beyond 15, 16 and 22 (docs/domain.md 5.1).
OUTCOMES: Final[dict[str, str]] = {
    "1": "Charge/summons",
    "1A": "Charge/summons - alternative offence",
    "2": "Youth caution",
    "3": "Adult caution",
    "4": "Taken into consideration",
    "5": "Offender died",
    "6": "Penalty notice for disorder",
    "7": "Cannabis/khat warning",
    "8": "Community resolution",
    "9": "Prosecution not in the public interest (CPS)",
    "10": "Formal action against offender not in the public interest (police)",
    "11": "Prosecution prevented - suspect under age",
    "12": "Prosecution prevented - suspect too ill",
    "13": "Prosecution prevented - victim or key witness dead or too ill",
    "14": "Evidential difficulties - suspect not identified",
    "15": "Evidential difficulties - suspect identified; victim supports action",
    "16": "Evidential difficulties - victim does not support action",
    "17": "Prosecution time limit expired",
    "18": "Investigation complete - no suspect identified",
    "20": "Other body or agency has investigation primacy",
    "21": "Further investigation not in the public interest (police)",
    "22": "Diversionary, educational or intervention activity",
}

OCCURRENCE_TYPES: Final[dict[str, str]] = {"crime": "Crime (notifiable)", "incident": "Incident (non-crime)"}

OCCURRENCE_STATUSES: Final[dict[str, str]] = {
    "open": "Open",
    "under_investigation": "Under investigation",
    "closed": "Closed",
}

#: One-to-one typed POLE links between a person and an occurrence (POLE person entities, simplified).
LINK_ROLES: Final[dict[str, str]] = {
    "suspect": "Suspect - known",
    "offender": "Offender (charged, cautioned or otherwise disposed of)",
    "victim": "Victim",
    "witness": "Witness",
    "person_reporting": "Person reporting",
    "missing_person": "Missing person",
    "subject": "Subject (not offender, victim or witness)",
    "involved_party": "Involved party",
}

# ----------------------------------------------------------------------------------------- custody

#: Custody outcome types used on custody records (docs/domain.md 2.3).
DETENTION_OUTCOMES: Final[dict[str, str]] = {
    "charged": "Charged",
    "bailed": "Released on pre-charge bail",
    "released_under_investigation": "Released under investigation (no bail)",
    "no_further_action": "No further action",
    "cautioned": "Cautioned (adult or youth)",
    "transferred": "Transferred to another force or agency",
}

#: Police ranks that matter to PACE authorisations (custody officer >= sergeant, reviews >= inspector,
#: s.42 extension >= superintendent).
OFFICER_RANKS: Final[dict[str, str]] = {
    "constable": "Constable",
    "sergeant": "Sergeant",
    "inspector": "Inspector",
    "chief_inspector": "Chief Inspector",
    "superintendent": "Superintendent",
    "chief_superintendent": "Chief Superintendent",
}

# ----------------------------------------------------------------------------------------- persons

SEXES: Final[dict[str, str]] = {"male": "Male", "female": "Female", "unknown": "Not known"}

#: Self-defined ethnicity, 18+1 (2011 Census basis; current police SDE). W3 and O2 are the 18+1 extras
#: (UNCONFIRMED per docs/domain.md 5.2); in 18+1 Chinese is A4 (it is O1 in 16+1).
ETHNICITY_18_PLUS_1: Final[dict[str, str]] = {
    "W1": "White - English, Welsh, Scottish, Northern Irish or British",
    "W2": "White - Irish",
    "W3": "White - Gypsy or Irish Traveller",
    "W9": "White - any other White background",
    "M1": "Mixed - White and Black Caribbean",
    "M2": "Mixed - White and Black African",
    "M3": "Mixed - White and Asian",
    "M9": "Mixed - any other Mixed background",
    "A1": "Asian or Asian British - Indian",
    "A2": "Asian or Asian British - Pakistani",
    "A3": "Asian or Asian British - Bangladeshi",
    "A4": "Asian or Asian British - Chinese",
    "A9": "Asian or Asian British - any other Asian background",
    "B1": "Black or Black British - Caribbean",
    "B2": "Black or Black British - African",
    "B9": "Black or Black British - any other Black background",
    "O2": "Other ethnic group - Arab",
    "O9": "Other ethnic group - any other ethnic group",
    "NS": "Not stated",
}

#: Self-defined ethnicity, ONS 16+1 (the CJS data standard list, docs/domain.md 5.2).
ETHNICITY_16_PLUS_1: Final[dict[str, str]] = {
    "W1": "White - British",
    "W2": "White - Irish",
    "W9": "White - any other White background",
    "M1": "Mixed - White and Black Caribbean",
    "M2": "Mixed - White and Black African",
    "M3": "Mixed - White and Asian",
    "M9": "Mixed - any other Mixed background",
    "A1": "Asian or Asian British - Indian",
    "A2": "Asian or Asian British - Pakistani",
    "A3": "Asian or Asian British - Bangladeshi",
    "A9": "Asian or Asian British - any other Asian background",
    "B1": "Black or Black British - Caribbean",
    "B2": "Black or Black British - African",
    "B9": "Black or Black British - any other Black background",
    "O1": "Chinese",
    "O9": "Any other ethnic group",
    "NS": "Not stated",
}

#: Union a tolerant reader should accept (both schemes in circulation; code-list drift is real).
ETHNICITY_SELF_DEFINED_ALL: Final[dict[str, str]] = {**ETHNICITY_16_PLUS_1, **ETHNICITY_18_PLUS_1}

#: Officer-defined ethnicity (IC codes, 6+1). IC0/IC7 are older "unknown" variants seen in legacy data.
ETHNICITY_OFFICER_DEFINED: Final[dict[str, str]] = {
    "IC1": "White - North European",
    "IC2": "White - South European",
    "IC3": "Black",
    "IC4": "Asian - Indian subcontinent",
    "IC5": "Chinese, Japanese, Korean or other South East Asian",
    "IC6": "Arab or North African",
    "IC9": "Unknown",
}

#: PNC-style warning markers. UNCONFIRMED as the exact PNC code list; codes as given in the issue.
WARNING_MARKERS: Final[dict[str, str]] = {
    "VI": "Violent",
    "WE": "Weapons",
    "FI": "Firearms",
    "EX": "Explosives",
    "DR": "Drugs",
    "SH": "Self-harm",
    "MH": "Mental health",
    "ES": "Escaper",
    "AT": "Ailment",
    "CO": "Contagious",
    "IM": "Impersonates",
    "AG": "Alleges",
}

# ----------------------------------------------------------------------------------------- intelligence

INTELLIGENCE_SOURCE_TYPES: Final[dict[str, str]] = {
    "police_officer": "Police officer or staff observation",
    "member_of_public": "Member of the public",
    "chis": "Covert human intelligence source",
    "partner_agency": "Partner agency",
    "crimestoppers": "Crimestoppers (anonymous)",
    "open_source": "Open source (including social media)",
}

INTELLIGENCE_SUBJECT_ROLES: Final[dict[str, str]] = {
    "subject": "Subject of the report",
    "associate": "Associate of the subject",
    "mentioned": "Mentioned in the report",
}

GRADING_SCHEMES: Final[dict[str, str]] = {
    "3x5x2": "College of Policing APP 3x5x2 (current)",
    "5x5x5": "National Intelligence Model 5x5x5 (legacy, historic reports only)",
}

#: 3x5x2 source evaluation (docs/domain.md 3.1).
GRADING_3X5X2_SOURCE: Final[dict[str, str]] = {"1": "Reliable", "2": "Untested", "3": "Not reliable"}
#: 3x5x2 intelligence assessment (exact APP wording UNCONFIRMED).
GRADING_3X5X2_INTELLIGENCE: Final[dict[str, str]] = {
    "A": "Known directly to the source",
    "B": "Known indirectly to the source but corroborated",
    "C": "Known indirectly to the source",
    "D": "Not known",
    "E": "Suspected to be false",
}
#: 3x5x2 handling code; C requires handling conditions text.
GRADING_3X5X2_HANDLING: Final[dict[str, str]] = {
    "P": "Lawful sharing permitted",
    "C": "Lawful sharing permitted with conditions",
}
#: 5x5x5 source evaluation (docs/domain.md 3.2).
GRADING_5X5X5_SOURCE: Final[dict[str, str]] = {
    "A": "Always reliable",
    "B": "Mostly reliable",
    "C": "Sometimes reliable",
    "D": "Unreliable",
    "E": "Untested source",
}
GRADING_5X5X5_INTELLIGENCE: Final[dict[str, str]] = {
    "1": "Known to be true without reservation",
    "2": "Known personally to source but not to officer",
    "3": "Not personally known to source but corroborated",
    "4": "Cannot be judged",
    "5": "Suspected to be false or malicious",
}
GRADING_5X5X5_HANDLING: Final[dict[str, str]] = {
    "1": "May be disseminated to other law enforcement and prosecuting agencies",
    "2": "May be disseminated to UK non-prosecuting parties",
    "3": "May be disseminated to non-EEA law enforcement (special conditions)",
    "4": "Only disseminate within the originating agency",
    "5": "No further dissemination: refer to the originator",
}

#: Government Security Classifications (from 2 April 2014). OFFICIAL-SENSITIVE is OFFICIAL with the
#: SENSITIVE handling caveat, written as one value here because that is how systems exchange it.
GSC_CLASSIFICATIONS: Final[dict[str, str]] = {
    "OFFICIAL": "Official",
    "OFFICIAL-SENSITIVE": "Official with the SENSITIVE handling caveat",
    "SECRET": "Secret",
    "TOP SECRET": "Top secret",
}
#: Legacy Government Protective Marking Scheme (read-only on historic records).
GPMS_MARKINGS: Final[dict[str, str]] = {
    "PROTECT": "Protect",
    "RESTRICTED": "Restricted",
    "CONFIDENTIAL": "Confidential",
    "SECRET": "Secret",
    "TOP SECRET": "Top secret",
}
#: Every marking a tolerant reader should accept.
CLASSIFICATIONS_ALL: Final[dict[str, str]] = {**GPMS_MARKINGS, **GSC_CLASSIFICATIONS}
