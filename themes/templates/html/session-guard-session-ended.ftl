<#-- Session Guard's notice that it ended the user's sessions. Values are escaped (HTML output): the User-Agent is the
     reusing party's own text. -->
<#import "template.ftl" as layout>
<@layout.emailLayout>
<p>${msg("sessionGuardSessionEndedIntro", realmName)}</p>
<p>${msg("sessionGuardReason_" + reason)}</p>
<table>
<tr><td>${msg("sessionGuardWhen")}</td><td>${endedAt}</td></tr>
<tr><td>${msg("sessionGuardApplications")}</td><td>${applications?join(", ")}</td></tr>
<#if ipAddress??><tr><td>${msg("sessionGuardIpAddress")}</td><td>${ipAddress}</td></tr></#if>
<#if userAgent??><tr><td>${msg("sessionGuardUserAgent")}</td><td>${userAgent}</td></tr></#if>
</table>
<p>${msg("sessionGuardAdvice_" + reason)}</p>
<#if accountSecurityUrl??><p><a href="${accountSecurityUrl}">${msg("sessionGuardAccountSecurityLink")}</a></p></#if>
</@layout.emailLayout>
