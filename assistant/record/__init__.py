"""The mentorship record: a person's mentorships, goals, meetings and action items, which the
coach remembers and builds on, private to them (``store``), and what it notices in them
(``nudges``); a program's figures without any record's text (``health``)."""
