"""The mentorship record: a person's mentorships, goals, meetings and action items, which the
coach remembers and builds on, private to them (``store``), and what it notices in them
(``nudges``); a program's figures without any record's text (``health``); meeting notes read
into proposals to confirm (``notes``), the SMART check of a goal (``smart``), and the next
agenda, a follow-up message and a calendar file drafted from the record (``drafts``)."""
