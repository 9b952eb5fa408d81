/** The labforge command line: a client of the REST API, and the server. */
package io.labforge.orchestrator.cli;
