"""The friction engine: flags internal procedures that cannot meet external milestones.

``friction_scan(today=..., project_ids=...)`` is the one entry point; the beat task, the
``scan_friction`` command, the rescan after an edit and the tests all call it.

Back-scheduling, on the organisation's working-day calendar (``WorkingCalendar``):

- A date something is due on means "ready when that day starts". A procedure with a lead
  time of n working days therefore has to start on the n-th working day before the
  milestone at the latest. A milestone on a weekend or holiday leaves the working days
  just before it (a Saturday milestone gives the same latest start as the Monday after).
- A procedure bound to a meeting calendar needs a meeting on or before the milestone
  date (inclusive) that has not yet taken place (on or after today). The last such
  meeting is used: its agenda deadline minus the lead time is the latest start.
- Slack is the working days from the first working day on or after today to the latest
  start: 0 means "start today", negative means the latest start has passed.

Flags (automatic friction points, one open flag per milestone and procedure, enforced by
the database):

- the milestone date has passed with the step unfinished: ``gemist``, blocking;
- no meeting left before the milestone: ``geen_vergadering``, blocking;
- slack below zero: ``doorlooptijd``, blocking; slack within the warning margin
  (``BB_WARNING_MARGIN_DAYS``, inclusive): ``doorlooptijd``, high.

Only projects that are not archived and still run (idee, verkenning, uitvoering) are
scheduled. A rescan keeps one flag per situation:

- The engine owns a flag's kind, severity, latest start, slack and meeting; people own
  everything else (status, description, departments, comments, support, approach). The
  title follows a change of kind only while nobody has edited it.
- A timeline entry (``FrictionUpdate``, kind systeem) is added when a flag is raised and
  whenever its kind, severity, latest start or meeting changes. Slack counting down
  towards an unchanged latest start is no news: the field is refreshed silently.
- A flag resolves itself (``vervallen``, with an explaining entry) when the step is
  finished, no longer needed or removed, the milestone moves so that the procedure fits
  again (slack above the margin), or the milestone or project goes away.
- Flags are never deleted. A flag a person closed covers its situation: no new flag is
  raised while the kind and latest start stay the same and the severity does not rise.
  A new situation (another kind, a moved latest start, or worse) raises a new flag.

Escalation and quiet points (``BB_SUPPORT_ANSWER_DAYS``, ``BB_STALE_DAYS``, in working
days): a support request still unanswered after the n-th working day following the
request is escalated; a person's open point with no activity after the n-th working day
following its last activity is marked stale. Each gets one timeline entry, once.

Concurrency: the scan runs in one transaction that first takes a PostgreSQL advisory
lock, so concurrent scans (two workers, a rescan during the nightly scan) run one after
the other and the later one sees the earlier one's flags. As a second line of defence
the partial unique constraint refuses a duplicate open flag; the insert then skips the
flags raised meanwhile (``bulk_create(..., ignore_conflicts=True)``).
Rows a person may be editing at the same time are locked and re-read just before they
are written, so a point closed meanwhile is left alone. The digest e-mails go out after
the scan has committed (see ``projects.services.scan.digests``).

Every read and write is set-based: the number of queries does not grow with the number
of projects, milestones or steps.
"""

from __future__ import annotations

from projects.services.scan.common import chunks, in_scope
from projects.services.scan.entry import friction_scan
from projects.services.scan.results import FlagChange, PointNote, ScanResult

__all__ = ["FlagChange", "PointNote", "ScanResult", "chunks", "friction_scan", "in_scope"]
