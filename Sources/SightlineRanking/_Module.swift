// SightlineRanking
