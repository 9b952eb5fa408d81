/** What an executor is and uses: check and apply, the outcome, the host root, processes from argv lists. */
package io.labforge.common.exec;
