package store

import (
	"time"

	"ocophub/catalog"
)

// Row structs mirror the migrations; converters keep gorm tags out of the
// domain.

type allianceRow struct {
	ID        int64 `gorm:"primaryKey"`
	Code      string
	Name      string
	Province  string
	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (allianceRow) TableName() string { return "alliances" }

func toAllianceRow(a *catalog.Alliance) allianceRow {
	return allianceRow{ID: a.ID, Code: a.Code, Name: a.Name, Province: a.Province, Version: a.Version}
}

func (r allianceRow) asDomain() catalog.Alliance {
	return catalog.Alliance{ID: r.ID, Code: r.Code, Name: r.Name, Province: r.Province,
		Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

type coopRow struct {
	ID         int64 `gorm:"primaryKey"`
	AllianceID int64
	Code       string
	Name       string
	Province   string
	Commune    string
	TaxCode    string
	Version    int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (coopRow) TableName() string { return "coops" }

func toCoopRow(c *catalog.Coop) coopRow {
	return coopRow{ID: c.ID, AllianceID: c.AllianceID, Code: c.Code, Name: c.Name, Province: c.Province,
		Commune: c.Commune, TaxCode: c.TaxCode, Version: c.Version}
}

func (r coopRow) asDomain() catalog.Coop {
	return catalog.Coop{ID: r.ID, AllianceID: r.AllianceID, Code: r.Code, Name: r.Name, Province: r.Province,
		Commune: r.Commune, TaxCode: r.TaxCode, Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

type warehouseRow struct {
	ID        int64 `gorm:"primaryKey"`
	CoopID    int64
	Code      string
	Name      string
	Address   string
	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (warehouseRow) TableName() string { return "warehouses" }

func toWarehouseRow(w *catalog.Warehouse) warehouseRow {
	return warehouseRow{ID: w.ID, CoopID: w.CoopID, Code: w.Code, Name: w.Name, Address: w.Address, Version: w.Version}
}

func (r warehouseRow) asDomain() catalog.Warehouse {
	return catalog.Warehouse{ID: r.ID, CoopID: r.CoopID, Code: r.Code, Name: r.Name, Address: r.Address,
		Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

type productRow struct {
	ID             int64 `gorm:"primaryKey"`
	CoopID         int64
	Code           string
	NameVI         string `gorm:"column:name_vi"`
	NameEN         string `gorm:"column:name_en"`
	DescriptionVI  string `gorm:"column:description_vi"`
	DescriptionEN  string `gorm:"column:description_en"`
	OCOPGroup      string `gorm:"column:ocop_group"`
	OCOPStars      int    `gorm:"column:ocop_stars"`
	CertificateNo  string
	CertifiedOn    string
	ExpiresOn      string
	OriginProvince string
	OriginCommune  string
	ArchivedAt     *time.Time
	SearchText     string
	Version        int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (productRow) TableName() string { return "products" }

func toProductRow(p *catalog.Product) productRow {
	return productRow{ID: p.ID, CoopID: p.CoopID, Code: p.Code,
		NameVI: p.Name.VI, NameEN: p.Name.EN, DescriptionVI: p.Description.VI, DescriptionEN: p.Description.EN,
		OCOPGroup: string(p.Group), OCOPStars: int(p.Stars), CertificateNo: p.Certificate.Number,
		CertifiedOn: p.Certificate.CertifiedOn.String(), ExpiresOn: p.Certificate.ExpiresOn.String(),
		OriginProvince: p.Origin.Province, OriginCommune: p.Origin.Commune, ArchivedAt: p.ArchivedAt,
		SearchText: p.SearchText(), Version: p.Version}
}

func (r productRow) asDomain(variants []catalog.Variant) catalog.Product {
	certified, _ := catalog.ParseDate(r.CertifiedOn)
	expires, _ := catalog.ParseDate(r.ExpiresOn)
	if variants == nil {
		variants = []catalog.Variant{}
	}
	return catalog.Product{ID: r.ID, CoopID: r.CoopID, Code: r.Code,
		Name: catalog.Text{VI: r.NameVI, EN: r.NameEN}, Description: catalog.Text{VI: r.DescriptionVI, EN: r.DescriptionEN},
		Group: catalog.Group(r.OCOPGroup), Stars: catalog.Stars(r.OCOPStars),
		Certificate: catalog.Certificate{Number: r.CertificateNo, CertifiedOn: certified, ExpiresOn: expires},
		Origin:      catalog.Origin{Province: r.OriginProvince, Commune: r.OriginCommune}, ArchivedAt: r.ArchivedAt,
		Variants: variants, Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

type variantRow struct {
	ID             int64 `gorm:"primaryKey"`
	ProductID      int64
	CoopID         int64
	Position       int
	SKU            string  `gorm:"column:sku"`
	NameVI         string  `gorm:"column:name_vi"`
	NameEN         string  `gorm:"column:name_en"`
	GTIN13         *string `gorm:"column:gtin13"` // NULL when absent: the unique index ignores NULLs
	NetWeightG     int     `gorm:"column:net_weight_g"`
	LengthMM       int     `gorm:"column:length_mm"`
	WidthMM        int     `gorm:"column:width_mm"`
	HeightMM       int     `gorm:"column:height_mm"`
	PackageWeightG int     `gorm:"column:package_weight_g"`
	PriceVND       int64   `gorm:"column:price_vnd"`
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (variantRow) TableName() string { return "variants" }

func toVariantRow(v *catalog.Variant, productID, coopID int64, position int) variantRow {
	var gtin *string
	if v.GTIN != "" {
		g := string(v.GTIN)
		gtin = &g
	}
	return variantRow{ID: v.ID, ProductID: productID, CoopID: coopID, Position: position, SKU: string(v.SKU),
		NameVI: v.Name.VI, NameEN: v.Name.EN, GTIN13: gtin, NetWeightG: v.NetWeightG,
		LengthMM: v.Package.LengthMM, WidthMM: v.Package.WidthMM, HeightMM: v.Package.HeightMM,
		PackageWeightG: v.Package.WeightG, PriceVND: int64(v.Price)}
}

func (r variantRow) asDomain() catalog.Variant {
	v := catalog.Variant{ID: r.ID, ProductID: r.ProductID, SKU: catalog.SKU(r.SKU),
		Name: catalog.Text{VI: r.NameVI, EN: r.NameEN}, NetWeightG: r.NetWeightG,
		Package: catalog.Dimensions{LengthMM: r.LengthMM, WidthMM: r.WidthMM, HeightMM: r.HeightMM, WeightG: r.PackageWeightG},
		Price:   catalog.VND(r.PriceVND)}
	if r.GTIN13 != nil {
		v.GTIN = catalog.GTIN(*r.GTIN13)
	}
	return v
}

// sameVariant reports whether an update would change nothing, so a
// re-import leaves rows (and their updated_at) alone.
func (r variantRow) sameAs(o variantRow) bool {
	r.ID, r.CreatedAt, r.UpdatedAt = o.ID, o.CreatedAt, o.UpdatedAt
	if (r.GTIN13 == nil) != (o.GTIN13 == nil) || r.GTIN13 != nil && *r.GTIN13 != *o.GTIN13 {
		return false
	}
	r.GTIN13 = o.GTIN13
	return r == o
}

type stockLevelRow struct {
	VariantID   int64 `gorm:"primaryKey;autoIncrement:false"`
	WarehouseID int64 `gorm:"primaryKey;autoIncrement:false"`
	CoopID      int64
	OnHand      int64
	Reserved    int64
	Held        int64
	Version     int64
	UpdatedAt   time.Time
}

func (stockLevelRow) TableName() string { return "stock_levels" }

func (r stockLevelRow) asDomain() catalog.StockLevel {
	return catalog.StockLevel{VariantID: r.VariantID, WarehouseID: r.WarehouseID, OnHand: r.OnHand,
		Reserved: r.Reserved, Held: r.Held, Version: r.Version, UpdatedAt: r.UpdatedAt}
}

type movementRow struct {
	ID            int64 `gorm:"primaryKey"`
	VariantID     int64
	WarehouseID   int64
	CoopID        int64
	Op            string
	OnHandDelta   int64
	ReservedDelta int64
	HeldDelta     int64
	Reason        string
	Actor         string
	OrderRef      string
	Note          string
	LotID         *int64
	Version       int64
	CreatedAt     time.Time
}

func (movementRow) TableName() string { return "stock_movements" }

func (r movementRow) asDomain() catalog.Movement {
	return catalog.Movement{ID: r.ID, VariantID: r.VariantID, WarehouseID: r.WarehouseID, Op: catalog.StockOp(r.Op),
		OnHandDelta: r.OnHandDelta, ReservedDelta: r.ReservedDelta, HeldDelta: r.HeldDelta, Reason: catalog.Reason(r.Reason),
		Actor: r.Actor, OrderRef: r.OrderRef, Note: r.Note, LotID: deref64(r.LotID), Version: r.Version, CreatedAt: r.CreatedAt}
}

type outboxRow struct {
	ID        int64 `gorm:"primaryKey"`
	Topic     string
	Payload   string
	CreatedAt time.Time
	SentAt    *time.Time
}

func (outboxRow) TableName() string { return "outbox" }
