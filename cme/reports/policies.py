"""Who sees which reports. Managers see exact figures (they may open the records behind them); the analyst and the
DPO see only disclosure-controlled figures; every download is disclosure-controlled whoever asks for it.

- Dashboards: managers and the analyst. The DfE return (which lists records that lack a field): managers.
- Equal-opportunities monitoring: managers, the DPO and the analyst.
- Pseudonymised extracts: the DPO approves and creates them; the analyst and the DPO see and download them.
"""

import rules

from cme.accounts.policies import is_analyst, is_dpo, is_manager

rules.add_perm("reports.view_dashboards", is_manager | is_analyst)
rules.add_perm("reports.view_equalities", is_manager | is_analyst | is_dpo)
rules.add_perm("reports.view_dfe_return", is_manager)
rules.add_perm("reports.view_exact_figures", is_manager)
rules.add_perm("reports.view_extracts", is_analyst | is_dpo)
rules.add_perm("reports.create_extract", is_dpo)
