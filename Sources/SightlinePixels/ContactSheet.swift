import SightlineData

/// A grid of labelled thumbnails, for looking at many vehicles and their predicted labels at once.
public struct ContactSheet: Sendable {
    /// One cell: an image shrunk to fit the cell and up to a few lines of text under it.
    public struct Tile: Sendable {
        public var image: RGBImage
        public var lines: [(text: String, colour: (UInt8, UInt8, UInt8))]

        public init(image: RGBImage, lines: [(text: String, colour: (UInt8, UInt8, UInt8))]) {
            self.image = image
            self.lines = lines
        }
    }

    public var columns: Int
    /// Side of the square image area of a cell, in pixels.
    public var cell: Int
    public var textScale: Int
    public var margin = 8

    public init(columns: Int = 5, cell: Int = 200, textScale: Int = 2) {
        self.columns = max(1, columns)
        self.cell = max(16, cell)
        self.textScale = max(1, textScale)
    }

    /// Lays out `tiles` row by row on a dark canvas; each image keeps its aspect ratio, and a
    /// line too wide for its cell is drawn at the smallest text size.
    public func render(_ tiles: [Tile]) -> RGBImage {
        let lineHeight = (BitmapFont.glyphHeight + 3) * textScale
        let textRows = tiles.map(\.lines.count).max() ?? 0
        let cellWidth = cell + margin, cellHeight = cell + margin + textRows * lineHeight
        let rows = (tiles.count + columns - 1) / columns
        let width = margin + max(1, min(columns, tiles.count)) * cellWidth
        let height = margin + max(1, rows) * cellHeight
        var sheet = RGBImage(width: width, height: height, pixels: [UInt8](repeating: 24, count: width * height * 3))
        for (n, tile) in tiles.enumerated() {
            let left = margin + (n % columns) * cellWidth, top = margin + (n / columns) * cellHeight
            let scale = min(Double(cell) / Double(max(tile.image.width, 1)), Double(cell) / Double(max(tile.image.height, 1)))
            let w = max(1, Int(clamping: (Double(tile.image.width) * scale).rounded())), h = max(1, Int(clamping: (Double(tile.image.height) * scale).rounded()))
            let thumb = scale < 1 ? tile.image.resizedArea(width: w, height: h) : tile.image.resizedBilinear(width: w, height: h)
            sheet.paste(thumb, x: left + (cell - w) / 2, y: top + (cell - h) / 2)
            for (i, line) in tile.lines.enumerated() {
                let fits = BitmapFont.width(of: line.text, scale: textScale) <= cell
                sheet.draw(text: line.text, x: left, y: top + cell + 4 + i * lineHeight, scale: fits ? textScale : 1, colour: line.colour)
            }
        }
        return sheet
    }
}
