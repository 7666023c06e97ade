// The public surface of @mixent/models is filled by its issue; see README.md.
export {};
