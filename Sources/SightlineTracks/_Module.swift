// SightlineTracks
