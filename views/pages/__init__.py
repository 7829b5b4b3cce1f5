"""The desk's pages (Roster, Check-ins, Goals, Attendance), one module each."""
