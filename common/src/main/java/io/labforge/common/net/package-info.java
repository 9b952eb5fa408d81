/**
 * Network values shared by the lab file's readers, the planner and the executors (names, addresses,
 * networks, ports), each validated in one place.
 */
package io.labforge.common.net;
