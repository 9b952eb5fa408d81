/** The REST API and its live progress (server-sent events). */
package io.labforge.orchestrator.api;
