"""The council's own settings for this installation: its name, its data protection officer, its complaints route."""
