// The public surface of @mixent/reporting is filled by its issue; see README.md.
export {};
