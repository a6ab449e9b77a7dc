<#ftl output_format="plainText">
<#-- Session Guard's notice that it ended the user's sessions, as plain text. -->
${msg("sessionGuardSessionEndedIntro", realmName)}

${msg("sessionGuardReason_" + reason)}

${msg("sessionGuardWhen")}: ${endedAt}
${msg("sessionGuardApplications")}: ${applications?join(", ")}
<#if ipAddress??>${msg("sessionGuardIpAddress")}: ${ipAddress}
</#if>
<#if userAgent??>${msg("sessionGuardUserAgent")}: ${userAgent}
</#if>

${msg("sessionGuardAdvice_" + reason)}
<#if accountSecurityUrl??>
${msg("sessionGuardAccountSecurityLink")}: ${accountSecurityUrl}
</#if>
