"""The thresholds and windows a match run uses, recorded with every run (`execute.run_settings`)."""

# Two records at or above this probability are one person. High, so that twins (same surname, date of birth and
# address; different given names) stay two children.
DEDUPE_THRESHOLD = 0.95
# A child's record at or above this probability against a roll entry is that pupil: the child is on a roll.
ON_ROLL_THRESHOLD = 0.5
# Pairs down to this probability are kept as evidence ("the closest roll entry scored 12%").
EVIDENCE_THRESHOLD = 0.05
# Records of people born in this window around compulsory school age are matched; everyone else is left out.
YOUNGEST_AGE, OLDEST_AGE = 4, 17
# A pupil whose last record here ended longer ago than this is left to the school's own deletion returns.
MOVED_AWAY_WITHIN_DAYS = 2 * 365
# The probability given to a pair the safety net finds: at the on-roll threshold, so it counts, and no higher.
SAFETY_NET_PROBABILITY = ON_ROLL_THRESHOLD
