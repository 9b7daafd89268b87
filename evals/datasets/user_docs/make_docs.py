"""Build the binary test documents for the user_docs evaluation set.

Generates:
  meridian-reverse-mentoring.docx  (python-docx: Title, Heading 1/2, Normal, List Bullet)
  cobalt-mentor-onboarding.pdf     (fpdf2: large title, 16pt bold headings, 11pt body, no outline)

Usage (from any directory):
  python make_docs.py
Requires: python-docx==1.2.0, fpdf2==2.8.9
"""

from pathlib import Path

HERE = Path(__file__).resolve().parent

# ---------------------------------------------------------------------------
# Meridian reverse mentoring guide (.docx)
# Blocks: ("title"|"h1"|"h2"|"p"|"li", text)
# ---------------------------------------------------------------------------
MERIDIAN = [
    ("title", "Meridian Bank Reverse Mentoring Programme"),
    (
        "p",
        "Programme guide for the 2025-26 cycle, issued by the Inclusion & Culture Office. "
        "Please read this before your matching call.",
    ),
    ("h1", "Why Meridian runs reverse mentoring"),
    (
        "p",
        "In reverse mentoring the usual roles are swapped: a colleague in the first years of "
        "their career mentors a member of the Executive Committee or a senior manager. Meridian "
        "launched the programme in 2022 because our leaders wanted first-hand insight into how "
        "customers and newer colleagues actually experience the bank.",
    ),
    (
        "p",
        "The programme has a clear purpose. It is not a shortcut to promotion for junior "
        "mentors and it is not a performance review for senior mentees. It is a structured "
        "conversation between two people who see the bank from very different places.",
    ),
    ("h1", "Roles"),
    (
        "p",
        "Every pair is supported by the Reverse Mentoring Coordinator in the Inclusion & Culture "
        "Office, who runs matching, training and check-ins. The Programme Sponsor, our Chief "
        "Operating Officer, reviews the themes raised across all pairs twice a year.",
    ),
    ("h2", "Junior mentors"),
    (
        "p",
        "Junior mentors are colleagues with fewer than five years at Meridian, at any grade "
        "below Associate Director. They are asked to:",
    ),
    ("li", "prepare one topic or story for each session"),
    ("li", "speak candidly about their own experience, including what does not work"),
    ("li", "attend the two-hour Reverse Mentor Foundations workshop before the first session"),
    ("li", "share anonymised themes with the Coordinator at the mid-cycle review"),
    ("h2", "Senior mentees"),
    (
        "p",
        "Senior mentees are Executive Committee members and Managing Directors. They commit to "
        "listening more than they speak, to protecting session time in their diaries, and to "
        "acting on what they learn. By the end of the cycle each senior mentee names one "
        "concrete change they have made, which is reported (without names) to the Programme "
        "Sponsor. Senior mentees must never use the sessions to evaluate the junior mentor's "
        "performance or to pass on feedback to the junior mentor's line manager.",
    ),
    ("h1", "Timeline and session format"),
    (
        "p",
        "The 2025-26 cycle opens with a matching call in September 2025 and runs for eight "
        "months, ending in May 2026. Pairs meet once a month for 60 minutes, ideally in person "
        "at the senior mentee's office. The junior mentor chooses the topic; the senior mentee "
        "books the room and the time.",
    ),
    (
        "p",
        "A mid-cycle review with the Coordinator takes place in January 2026. If a pair has "
        "missed two sessions in a row, the Coordinator will step in to reset the schedule or "
        "rematch.",
    ),
    ("h1", "Choosing conversation topics"),
    (
        "p",
        "Junior mentors pick topics from their own experience. The topics most requested by "
        "senior mentees in past cycles were:",
    ),
    ("li", "digital habits of customers under 30, such as mobile-only banking"),
    ("li", "social media and how the bank's brand is talked about online"),
    ("li", "hybrid working and what it is like to start a career remotely"),
    ("li", "inclusion, including how it feels to be the only person like you in a meeting"),
    ("li", "new tools such as generative AI and how junior colleagues already use them"),
    (
        "p",
        "Avoid topics that concern named colleagues, confidential client matters or live "
        "restructuring plans.",
    ),
    ("h1", "Ending the pairing"),
    (
        "p",
        "The pairing ends formally at the closing session in May 2026. In that session the "
        "junior mentor gives the senior mentee one piece of direct feedback, the senior mentee "
        "describes the change they committed to, and both complete the closing questionnaire.",
    ),
    (
        "p",
        "Either person can end the pairing earlier by contacting the Reverse Mentoring "
        "Coordinator. No explanation is needed, and ending early will never be recorded on the "
        "junior mentor's file.",
    ),
    ("h1", "Future of the programme"),
    ("p", "From the 2026-27 cycle the Inclusion & Culture Office plans three developments:"),
    ("li", "mutual mentoring, where both partners set a learning goal and mentor each other"),
    ("li", "extending the programme to the Lisbon and Singapore offices"),
    ("li", "an alumni network of former junior mentors, who will co-design future cycles"),
    ("p", "Feedback on these plans can be sent to the Coordinator at any time."),
]

# ---------------------------------------------------------------------------
# Cobalt mentor onboarding guide (.pdf); keep text latin-1 safe.
# Blocks: ("title"|"h"|"p"|"li", text)
# ---------------------------------------------------------------------------
COBALT = [
    ("title", "Cobalt Mentor Onboarding Guide"),
    (
        "p",
        "For new mentors in the Cobalt Software Mentoring Program, spring 2025 cohort. "
        "Prepared by the Mentoring Guild, version 2.1, 6 January 2025.",
    ),
    ("h", "Your role as a Cobalt mentor"),
    (
        "p",
        "Thank you for volunteering. Cobalt mentors support one mentee, usually an engineer, "
        "designer or support specialist in their first two years at Cobalt. Your job is not to "
        "solve your mentee's problems or to manage their work. Your job is to ask good "
        "questions, share your own experience honestly, and help your mentee find their own "
        "next step. Mentors give about three hours a month to the program, including "
        "preparation.",
    ),
    (
        "p",
        "You are supported by a Guild Steward, an experienced mentor who looks after a group "
        "of eight to ten pairs and runs a monthly mentor huddle.",
    ),
    ("h", "Before your first meeting"),
    (
        "p",
        "Once the Mentoring Guild confirms your match, please complete these steps within your "
        "first ten days:",
    ),
    ("li", "Finish the Mentor Basics course in the learning portal (about 40 minutes)."),
    ("li", "Read your mentee's intro form, including the goals they wrote on application."),
    ("li", "Send a short welcome message and propose three times for the first meeting."),
    ("li", "Book a 15-minute call with your Guild Steward if this is your first time mentoring."),
    ("h", "Meeting expectations"),
    (
        "p",
        "Cobalt pairs meet every week for the first month and then every other week until "
        "the end of the cohort. Each meeting should last 30 to 45 minutes. The first month is "
        "deliberately intense, because pairs that build trust early are much more likely to "
        "finish the program.",
    ),
    (
        "p",
        "Keep meetings on camera when you are remote, and protect the time: if you must "
        "cancel, give at least 24 hours notice and offer a new slot in the same week. Mentors "
        "should not bring their laptops into in-person sessions unless they are working "
        "through something together with the mentee.",
    ),
    ("h", "Helping your mentee set goals"),
    (
        "p",
        "In the second meeting, help your mentee turn the goals from their intro form into "
        "no more than two goals for the cohort. At Cobalt we use the 3P model: every goal "
        "should have a Purpose (why it matters to the mentee), a Proof (what will be visibly "
        "different when it is achieved) and a Plan (the first three actions). Record the goals "
        "in the shared Cobalt mentoring tracker so your Guild Steward can see that they exist, "
        "though not their details.",
    ),
    (
        "p",
        "Revisit the goals every fourth meeting. Changing a goal halfway through is a sign of "
        "learning, not of failure.",
    ),
    ("h", "Code of conduct and escalation"),
    (
        "p",
        "Treat everything your mentee tells you as confidential, with three exceptions: risk "
        "of harm to someone, a breach of law, and serious breaches of the Cobalt Code of "
        "Business Conduct. In those cases you must raise the issue, and you should tell your "
        "mentee that you are doing so.",
    ),
    (
        "p",
        "If you are unsure what to do, escalate in this order: first your Guild Steward, then "
        "the Mentoring Guild leads at guild@cobalt.example, and finally the People Partner for "
        "your department. For anything urgent involving safety, call the Cobalt Security Desk "
        "directly.",
    ),
    (
        "p",
        "Mentors must not give mentees access to confidential roadmaps, performance data or "
        "salary information, and should never act as an unofficial reference for internal job "
        "applications during the cohort.",
    ),
    ("h", "Ending the mentorship well"),
    (
        "p",
        "The spring 2025 cohort ends on 27 June 2025. Plan your last meeting as a proper "
        "closing session rather than letting the pairing fade out. In the closing session, "
        "look back at the 3P goals, ask your mentee what they want to keep practising on their "
        "own, and give them at least one piece of specific, positive feedback.",
    ),
    (
        "p",
        "After the session, both of you complete the Guild survey. Mentors who want to "
        "continue can sign up for the autumn cohort straight away or take a cohort off; around "
        "a third of our mentors take a break after each cohort, and that is encouraged.",
    ),
    ("h", "Future trends in our program"),
    (
        "p",
        "The Mentoring Guild is testing several ideas for 2026. The first is team mentoring, "
        "where one experienced mentor works with a whole squad for a quarter. The second is "
        "mentoring across time zones, pairing mentors in Berlin with mentees in our Austin and "
        "Singapore offices. The third is using skills data from the learning portal to suggest "
        "matches, always reviewed by a Guild Steward. If you would like to help pilot any of "
        "these, tell your Guild Steward at the next huddle.",
    ),
]


def build_docx(path: Path) -> None:
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.core_properties.title = MERIDIAN[0][1]
    doc.core_properties.author = "Inclusion & Culture Office"
    style_for = {
        "title": "Title",
        "h1": "Heading 1",
        "h2": "Heading 2",
        "p": "Normal",
        "li": "List Bullet",
    }
    for kind, text in MERIDIAN:
        doc.add_paragraph(text, style=style_for[kind])
    doc.styles["Normal"].font.size = Pt(11)
    doc.save(str(path))


def build_pdf(path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_title(COBALT[0][1])
    pdf.set_author("Cobalt Mentoring Guild")
    pdf.set_margins(22, 20, 22)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for kind, text in COBALT:
        text.encode("latin-1")  # fail loudly on non latin-1 text
        if kind == "title":
            pdf.set_font("Helvetica", "B", 24)
            pdf.multi_cell(width, 11, text)
            pdf.ln(4)
        elif kind == "h":
            pdf.ln(3)
            pdf.set_font("Helvetica", "B", 16)
            pdf.multi_cell(width, 8, text)
            pdf.ln(2)
        elif kind == "p":
            pdf.set_font("Helvetica", "", 11)
            pdf.multi_cell(width, 5.5, text)
            pdf.ln(3)
        elif kind == "li":
            pdf.set_font("Helvetica", "", 11)
            pdf.set_x(pdf.l_margin + 4)
            pdf.multi_cell(width - 4, 5.5, "- " + text)
            pdf.ln(1)
    pdf.output(str(path))


if __name__ == "__main__":
    build_docx(HERE / "meridian-reverse-mentoring.docx")
    build_pdf(HERE / "cobalt-mentor-onboarding.pdf")
    print("wrote", HERE / "meridian-reverse-mentoring.docx")
    print("wrote", HERE / "cobalt-mentor-onboarding.pdf")
