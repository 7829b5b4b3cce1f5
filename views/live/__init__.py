"""Live group mode: starting a session, the round window, the agenda and the presenter screen."""
