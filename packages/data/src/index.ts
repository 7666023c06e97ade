// The public surface of @mixent/data is filled by its issue; see README.md.
export {};
