// The public surface of @mixent/experiments is filled by its issue; see README.md.
export {};
