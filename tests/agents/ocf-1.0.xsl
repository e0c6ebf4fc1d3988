<?xml version="1.0"?>
<!-- Strips what OCF 1.1 added to meta-data (reloadable, select options,
     reload-agent), leaving what the older ra-api-1.dtd describes. The test
     validates the rest against the installed DTD, so that the OCF 1.0 part
     of our meta-data cannot drift. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="xml" indent="yes"/>
  <xsl:template match="@*|node()">
    <xsl:copy><xsl:apply-templates select="@*|node()"/></xsl:copy>
  </xsl:template>
  <xsl:template match="parameter/@reloadable"/>
  <xsl:template match="action[@name='reload-agent']"/>
  <xsl:template match="content[@type='select']">
    <content type="string">
      <xsl:apply-templates select="@default"/>
    </content>
  </xsl:template>
</xsl:stylesheet>
