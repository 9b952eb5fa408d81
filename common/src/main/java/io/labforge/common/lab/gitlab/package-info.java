/**
 * GitLab's contracts (Part 1, R5–R13): the {@code gitlab} section of the lab file, the agent's commands
 * on the GitLab and runner hosts, and gitlab-service's commands through GitLab's API.
 */
package io.labforge.common.lab.gitlab;
