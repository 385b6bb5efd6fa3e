"""Units and constants, numerical helpers, kinematics and the geometry of rays from the Sun."""
