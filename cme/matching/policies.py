"""Who may do what in data matching.

Caseworkers (CME officers and managers) import extracts, start runs and review candidates: finding children missing
education is their job. Registering a new source is a manager's decision, because it commits the service to
receiving another team's data on a stated lawful basis. The data protection officer oversees which sources are
received and what each run did (settings, model, counts), and the analyst sees the same run summaries to measure
the matching, but neither opens a candidate or a held-back row: those name children. How well the model's scores
agreed with the officers' decisions, run after run, is for those who review the candidates and their managers, who
set how the matching is used. School and partner users and the system administrator see nothing of matching.
"""

import rules

from cme.accounts.policies import is_analyst, is_caseworker, is_dpo, is_manager

rules.add_perm("matching.view_sources", is_caseworker | is_dpo)
rules.add_perm("matching.register_source", is_manager)
rules.add_perm("matching.import_source", is_caseworker)
rules.add_perm("matching.view_rejected_rows", is_caseworker)
rules.add_perm("matching.view_runs", is_caseworker | is_dpo | is_analyst)
rules.add_perm("matching.start_run", is_caseworker)
rules.add_perm("matching.view_candidates", is_caseworker)
rules.add_perm("matching.review_candidate", is_caseworker)
rules.add_perm("matching.view_model_agreement", is_caseworker)
