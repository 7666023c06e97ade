// The public surface of @mixent/losses is filled by its issue; see README.md.
export {};
