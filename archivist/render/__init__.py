"""Turning planned pages into bytes: the renderer, its templates, its worker pool and the theme."""
