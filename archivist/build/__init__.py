"""The build: the one pipeline of steps, its record of what was read and written, and what a change forces again."""
