// The public surface of @mixent/training is filled by its issue; see README.md.
export {};
