/** The lab report, generated from the audit log. */
package io.labforge.orchestrator.report;
