<?xml version="1.0"?>
<!-- One line per fact of a CIB's configuration, without the ids that pcs and
     crmsh generate differently (constraint ids are kept: both forms set
     them), with Pacemaker's defaults written out and its old role names
     mapped to the new ones, so that two tools' CIBs compare with
     sort and diff. Comments are dropped. Used by tests/examples/. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text"/>

<xsl:template name="role">
  <xsl:param name="r"/>
  <xsl:choose>
    <xsl:when test="string($r) = '' or $r = 'Started'">Started</xsl:when>
    <xsl:when test="$r = 'Master'">Promoted</xsl:when>
    <xsl:when test="$r = 'Slave'">Unpromoted</xsl:when>
    <xsl:otherwise><xsl:value-of select="$r"/></xsl:otherwise>
  </xsl:choose>
</xsl:template>

<xsl:template name="score">
  <xsl:param name="s"/>
  <xsl:choose>
    <xsl:when test="$s = 'inf' or $s = '+INFINITY' or $s = '+inf'">INFINITY</xsl:when>
    <xsl:when test="$s = '-inf'">-INFINITY</xsl:when>
    <xsl:otherwise><xsl:value-of select="$s"/></xsl:otherwise>
  </xsl:choose>
</xsl:template>

<!-- "10s" and "10" are the same interval. -->
<xsl:template name="secs">
  <xsl:param name="t"/>
  <xsl:choose>
    <xsl:when test="substring($t, string-length($t)) = 's'">
      <xsl:value-of select="substring($t, 1, string-length($t) - 1)"/>
    </xsl:when>
    <xsl:otherwise><xsl:value-of select="$t"/></xsl:otherwise>
  </xsl:choose>
</xsl:template>

<xsl:template match="/">
  <xsl:for-each select="/cib/configuration/crm_config/cluster_property_set/nvpair">
    <xsl:value-of select="concat('property ', @name, '=', @value, '&#10;')"/>
  </xsl:for-each>
  <xsl:for-each select="/cib/configuration/rsc_defaults/meta_attributes/nvpair">
    <xsl:value-of select="concat('rsc_defaults ', @name, '=', @value, '&#10;')"/>
  </xsl:for-each>
  <xsl:for-each select="/cib/configuration/op_defaults/meta_attributes/nvpair">
    <xsl:value-of select="concat('op_defaults ', @name, '=', @value, '&#10;')"/>
  </xsl:for-each>
  <xsl:for-each select="/cib/configuration/nodes/node">
    <xsl:value-of select="concat('node ', @uname, '&#10;')"/>
  </xsl:for-each>
  <xsl:for-each select="//resources//primitive">
    <xsl:variable name="p" select="@id"/>
    <xsl:value-of select="concat('primitive ', $p, ' ', @class, ':', @provider, ':', @type,
                                 ' in ', name(..), ' ', ../@id, '&#10;')"/>
    <xsl:for-each select="instance_attributes/nvpair">
      <xsl:value-of select="concat('param ', $p, ' ', @name, '=', @value, '&#10;')"/>
    </xsl:for-each>
    <xsl:for-each select="meta_attributes/nvpair">
      <xsl:value-of select="concat('meta ', $p, ' ', @name, '=', @value, '&#10;')"/>
    </xsl:for-each>
    <xsl:for-each select="operations/op">
      <xsl:value-of select="concat('op ', $p, ' ', @name, ' interval=')"/>
      <xsl:call-template name="secs"><xsl:with-param name="t" select="@interval"/></xsl:call-template>
      <xsl:text> timeout=</xsl:text>
      <xsl:call-template name="secs"><xsl:with-param name="t" select="@timeout"/></xsl:call-template>
      <xsl:text> role=</xsl:text>
      <xsl:call-template name="role"><xsl:with-param name="r" select="@role"/></xsl:call-template>
      <xsl:for-each select="instance_attributes/nvpair">
        <xsl:value-of select="concat(' ', @name, '=', @value)"/>
      </xsl:for-each>
      <xsl:for-each select="@*[name() != 'id' and name() != 'name' and name() != 'interval'
                               and name() != 'timeout' and name() != 'role']">
        <xsl:value-of select="concat(' ', name(), '=', .)"/>
      </xsl:for-each>
      <xsl:text>&#10;</xsl:text>
    </xsl:for-each>
  </xsl:for-each>
  <xsl:for-each select="//resources//clone | //resources//group">
    <xsl:variable name="c" select="@id"/>
    <xsl:value-of select="concat(name(), ' ', $c, '&#10;')"/>
    <xsl:for-each select="meta_attributes/nvpair">
      <xsl:value-of select="concat('meta ', $c, ' ', @name, '=', @value, '&#10;')"/>
    </xsl:for-each>
  </xsl:for-each>
  <xsl:for-each select="/cib/configuration/constraints/rsc_location">
    <xsl:value-of select="concat('location ', @id, ' ', @rsc, ' node=', @node, ' score=')"/>
    <xsl:call-template name="score"><xsl:with-param name="s" select="@score"/></xsl:call-template>
    <xsl:text> role=</xsl:text>
    <xsl:call-template name="role"><xsl:with-param name="r" select="@role"/></xsl:call-template>
    <xsl:if test="rule"><xsl:text> RULE</xsl:text></xsl:if>
    <xsl:text>&#10;</xsl:text>
  </xsl:for-each>
  <xsl:for-each select="/cib/configuration/constraints/rsc_colocation">
    <xsl:value-of select="concat('colocation ', @id, ' ', @rsc, ':')"/>
    <xsl:call-template name="role"><xsl:with-param name="r" select="@rsc-role"/></xsl:call-template>
    <xsl:value-of select="concat(' with ', @with-rsc, ':')"/>
    <xsl:call-template name="role"><xsl:with-param name="r" select="@with-rsc-role"/></xsl:call-template>
    <xsl:text> score=</xsl:text>
    <xsl:call-template name="score"><xsl:with-param name="s" select="@score"/></xsl:call-template>
    <xsl:if test="resource_set"><xsl:text> SETS</xsl:text></xsl:if>
    <xsl:text>&#10;</xsl:text>
  </xsl:for-each>
  <xsl:for-each select="/cib/configuration/constraints/rsc_order">
    <xsl:variable name="fa">
      <xsl:choose><xsl:when test="@first-action"><xsl:value-of select="@first-action"/></xsl:when>
      <xsl:otherwise>start</xsl:otherwise></xsl:choose>
    </xsl:variable>
    <xsl:variable name="ta">
      <xsl:choose><xsl:when test="@then-action"><xsl:value-of select="@then-action"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="$fa"/></xsl:otherwise></xsl:choose>
    </xsl:variable>
    <xsl:variable name="kind">
      <xsl:choose><xsl:when test="@kind"><xsl:value-of select="@kind"/></xsl:when>
      <xsl:when test="@score = '0'">Optional</xsl:when>
      <xsl:otherwise>Mandatory</xsl:otherwise></xsl:choose>
    </xsl:variable>
    <xsl:value-of select="concat('order ', @id, ' ', @first, ':', $fa, ' then ', @then, ':', $ta,
                                 ' kind=', $kind)"/>
    <xsl:if test="@symmetrical"><xsl:value-of select="concat(' symmetrical=', @symmetrical)"/></xsl:if>
    <xsl:if test="resource_set"><xsl:text> SETS</xsl:text></xsl:if>
    <xsl:text>&#10;</xsl:text>
  </xsl:for-each>
  <xsl:for-each select="/cib/configuration/constraints/*[not(self::rsc_location or
                        self::rsc_colocation or self::rsc_order)]">
    <xsl:value-of select="concat('constraint ', name(), ' ', @id, '&#10;')"/>
  </xsl:for-each>
</xsl:template>
</xsl:stylesheet>
