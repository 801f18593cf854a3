// SightlineData
