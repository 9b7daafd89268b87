"""Drafting for mentors and mentees: agendas, feedback, messages and agreements, all cited.

``drafter.Drafter`` is the service; ``models`` the requests and drafts; ``render`` shows them.
"""
