// The kind of a select case, part of the protocol that copies of gorx speak to each other (a case
// of another copy is read by its `op`). Not exported from the package, but the case types name
// them, so the declarations keep them. A module of its own, so that naming a kind (the deadlock
// report does) does not load the case class.
export const RECV = 0;
export const SEND = 1;
