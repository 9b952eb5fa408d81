/** GitLab on its host and the runners' hosts (R5, R7-R9): install and configuration, the pre-receive hook, the API token, runner registration, image pushes. */
package io.labforge.agent.executor.gitlab;
