// @ts-check
// Who works where: supervisors and admins review at the desk, which reads inspections and plans
// from the server as it shows them and keeps none offline; inspectors work on the phone pages, which
// keep what they need offline (the server's window, sync/pull.js, and their due list).

/** Whether a user of this role works at the desk. @param {string|undefined} role */
export function worksAtDesk(role) {
  return role === 'supervisor' || role === 'admin'
}
