/**
 * Declarative security, independent of any container: the constraints an application declares (web.xml,
 * {@code @ServletSecurity}, {@code setServletSecurity}) and what they require of a request, the login configuration,
 * the users of a realm and who a request's user is. The standalone engine's container enforces it; nothing here
 * knows a request object.
 */
package org.fcgibridge.servlet.security;
