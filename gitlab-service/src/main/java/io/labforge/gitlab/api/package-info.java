/** GitLab's API through gitlab4j-api and JGit, trusting the lab's CA only: readiness, projects seeded, runners created and deleted (R9-R13). */
package io.labforge.gitlab.api;
